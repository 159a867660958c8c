package dev.cairn.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunFailed;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepRetryScheduled;
import dev.cairn.v1.StepSkipped;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepSucceeded;
import dev.cairn.v1.WorkflowSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepTableTest {
  private static Event.Builder at(long second) {
    return Event.newBuilder().setTime(Timestamp.newBuilder().setSeconds(second));
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  @Test
  void theTableFollowsEachStepThroughItsAttempts() {
    StepTable table = new StepTable();
    List<Event> events =
        List.of(
            at(0)
                .setRunSubmitted(
                    RunSubmitted.newBuilder()
                        .setSpec(
                            WorkflowSpec.newBuilder()
                                .setName("build")
                                .addSteps(StepSpec.newBuilder().setId("fetch"))
                                .addSteps(StepSpec.newBuilder().setId("test"))
                                .addSteps(StepSpec.newBuilder().setId("deploy"))))
                .build(),
            at(0)
                .setStepStarted(
                    StepStarted.newBuilder().setStepId("fetch").setAttempt(1).setPid(10))
                .build(),
            at(2)
                .setStepSucceeded(
                    StepSucceeded.newBuilder()
                        .setStepId("fetch")
                        .setAttempt(1)
                        .setDuration(seconds(2)))
                .build(),
            at(2)
                .setStepStarted(StepStarted.newBuilder().setStepId("test").setAttempt(1).setPid(11))
                .build(),
            at(3)
                .setStepFailed(
                    StepFailed.newBuilder()
                        .setStepId("test")
                        .setAttempt(1)
                        .setReason(FailureReason.FAILURE_REASON_EXIT_CODE)
                        .setExitCode(75)
                        .setDuration(seconds(1)))
                .build(),
            at(3)
                .setStepRetryScheduled(
                    StepRetryScheduled.newBuilder()
                        .setStepId("test")
                        .setNextAttempt(2)
                        .setBackoff(seconds(1)))
                .build(),
            at(4)
                .setStepStarted(StepStarted.newBuilder().setStepId("test").setAttempt(2).setPid(12))
                .build());
    events.forEach(table::apply);

    assertThat(table.lines(Instant.ofEpochSecond(10)))
        .containsExactly(
            "run build: running",
            "STEP    STATUS     ATTEMPT  DURATION  NOTE",
            "fetch   succeeded  1        2.0s",
            "test    running    2        6.0s      pid 12",
            "deploy  pending    -        -");

    table.apply(
        at(11)
            .setStepFailed(
                StepFailed.newBuilder()
                    .setStepId("test")
                    .setAttempt(2)
                    .setReason(FailureReason.FAILURE_REASON_EXIT_CODE)
                    .setExitCode(1)
                    .setDuration(seconds(7)))
            .build());
    table.apply(
        at(11)
            .setStepSkipped(StepSkipped.newBuilder().setStepId("deploy").setCauseStepId("test"))
            .build());
    table.apply(at(11).setRunFailed(RunFailed.newBuilder().addFailedStepIds("test")).build());

    assertThat(table.runStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(table.lines(Instant.ofEpochSecond(60)))
        .containsExactly(
            "run build: failed",
            "STEP    STATUS     ATTEMPT  DURATION  NOTE",
            "fetch   succeeded  1        2.0s",
            "test    failed     2        7.0s      exit code 1",
            "deploy  skipped    -        -         after test");
  }

  @Test
  void aRerunShowsItsKeptStepsWithTheirResultsFromTheStart() {
    StepTable table = new StepTable();
    table.apply(
        at(0)
            .setRunSubmitted(
                RunSubmitted.newBuilder()
                    .setSpec(
                        WorkflowSpec.newBuilder()
                            .setName("build")
                            .addSteps(StepSpec.newBuilder().setId("fetch"))
                            .addSteps(StepSpec.newBuilder().setId("test")))
                    .setRerunOf("run-1")
                    .addCarriedSteps(
                        dev.cairn.v1.CarriedStep.newBuilder()
                            .setStepId("fetch")
                            .setStatus(dev.cairn.v1.StepStatus.STEP_STATUS_SUCCEEDED)
                            .setFromRunId("run-1")
                            .addAttempts(
                                dev.cairn.v1.Attempt.newBuilder()
                                    .setNumber(1)
                                    .setDuration(seconds(2))
                                    .setFinished(true))))
            .build());

    assertThat(table.lines(Instant.ofEpochSecond(10)))
        .containsExactly(
            "run build: running",
            "STEP   STATUS     ATTEMPT  DURATION  NOTE",
            "fetch  succeeded  1        2.0s      kept from run-1",
            "test   pending    -        -");
  }

  @Test
  void theScreenMovesBackOverTheBlockItDrewLast() {
    StringWriter written = new StringWriter();
    AnsiScreen screen = new AnsiScreen(new PrintWriter(written));

    screen.draw(List.of("a", "b", "c"));
    screen.draw(List.of("d", "e", "f"));

    assertThat(written.toString()).isEqualTo("\u001b[Ja\nb\nc\n\u001b[3A\r\u001b[Jd\ne\nf\n");
  }
}
