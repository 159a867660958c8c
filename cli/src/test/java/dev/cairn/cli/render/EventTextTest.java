package dev.cairn.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunCancelRequested;
import dev.cairn.v1.RunFailed;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepRetryScheduled;
import dev.cairn.v1.StepSkipped;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepSucceeded;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTextTest {
  // 2026-01-02T03:04:05.678Z
  private static final Timestamp TIME =
      Timestamp.newBuilder().setSeconds(1_767_323_045L).setNanos(678_000_000).build();

  private static Event.Builder event(long runSeq) {
    return Event.newBuilder()
        .setRunId("r1")
        .setRunSeq(runSeq)
        .setGlobalSeq(100 + runSeq)
        .setTime(TIME);
  }

  private static String line(Event event) {
    return EventText.line(event, ZoneOffset.UTC, false);
  }

  @Test
  void everyKindOfEventRendersToItsOwnNonEmptyLine() {
    OneofDescriptor payload = Event.getDescriptor().getOneofs().get(0);
    Set<String> descriptions = new HashSet<>();
    for (FieldDescriptor field : payload.getFields()) {
      Event.Builder builder = event(1);
      builder.setField(field, builder.newBuilderForField(field).build());
      Event event = builder.build();
      assertThat(event.getPayloadCase().getNumber()).isEqualTo(field.getNumber());

      String description = EventText.describe(event);
      assertThat(description).as(field.getName()).isNotBlank();
      assertThat(line(event))
          .as(field.getName())
          .startsWith("03:04:05.678 1 - ")
          .doesNotContain("\n");
      descriptions.add(description);
      // The live table folds every kind without failing either.
      StepTable table = new StepTable();
      table.apply(event);
      assertThat(table.lines(java.time.Instant.EPOCH)).isNotEmpty();
    }
    assertThat(descriptions).hasSize(payload.getFields().size());
    assertThat(EventText.describe(event(1).build())).isNotBlank();
  }

  @Test
  void stepEventsSayWhatHappenedInWords() {
    assertThat(
            line(
                event(4)
                    .setStepStarted(
                        StepStarted.newBuilder().setStepId("test").setAttempt(2).setPid(123))
                    .build()))
        .isEqualTo("03:04:05.678 4 test started attempt 2 (pid 123)");
    assertThat(
            line(
                event(5)
                    .setStepFailed(
                        StepFailed.newBuilder()
                            .setStepId("test")
                            .setAttempt(2)
                            .setReason(FailureReason.FAILURE_REASON_EXIT_CODE)
                            .setExitCode(3)
                            .setDuration(Duration.newBuilder().setSeconds(1).setNanos(200_000_000)))
                    .build()))
        .isEqualTo("03:04:05.678 5 test failed: exit code 3 (attempt 2, 1.2s)");
    assertThat(
            line(
                event(6)
                    .setStepRetryScheduled(
                        StepRetryScheduled.newBuilder()
                            .setStepId("test")
                            .setNextAttempt(3)
                            .setBackoff(Duration.newBuilder().setSeconds(1).setNanos(200_000_000)))
                    .build()))
        .isEqualTo("03:04:05.678 6 test retry attempt 3 in 1.2s");
    assertThat(
            EventText.describe(
                event(7)
                    .setStepFailed(
                        StepFailed.newBuilder()
                            .setReason(FailureReason.FAILURE_REASON_SIGNAL)
                            .setSignal(9))
                    .build()))
        .startsWith("failed: killed by signal 9");
    assertThat(
            EventText.describe(
                event(8)
                    .setStepFailed(
                        StepFailed.newBuilder()
                            .setReason(FailureReason.FAILURE_REASON_SPAWN_ERROR)
                            .setMessage("no such file: ./fetch.sh"))
                    .build()))
        .startsWith("failed: could not start: no such file: ./fetch.sh");
    // A lost attempt ended while no server watched: its time is not known, not 0ms.
    assertThat(
            EventText.describe(
                event(8)
                    .setStepFailed(
                        StepFailed.newBuilder()
                            .setAttempt(1)
                            .setReason(FailureReason.FAILURE_REASON_LOST)
                            .setMessage("the server restarted while the attempt ran"))
                    .build()))
        .doesNotContain("0ms")
        .endsWith("(attempt 1)");
    assertThat(
            EventText.describe(
                event(9)
                    .setStepSkipped(StepSkipped.newBuilder().setStepId("b").setCauseStepId("a"))
                    .build()))
        .isEqualTo("skipped: upstream step a did not succeed");
  }

  @Test
  void runEventsUseADashForTheStep() {
    assertThat(line(event(9).setRunFailed(RunFailed.newBuilder().addFailedStepIds("test")).build()))
        .isEqualTo("03:04:05.678 9 - run failed: test failed");
    assertThat(
            line(
                event(3)
                    .setRunCancelRequested(
                        RunCancelRequested.newBuilder().setReason("enough").setPrincipal("ops"))
                    .build()))
        .isEqualTo("03:04:05.678 3 - cancel requested: enough (by ops)");
  }

  @Test
  void allRunsLinesCarryTheGlobalSequenceAndTheRunId() {
    Event event =
        event(4)
            .setStepStarted(StepStarted.newBuilder().setStepId("a").setAttempt(1).setPid(9))
            .build();

    assertThat(EventText.line(event, ZoneOffset.UTC, true))
        .isEqualTo("03:04:05.678 104 r1 a started attempt 1 (pid 9)");
  }

  @Test
  void stepSucceededShowsAttemptAndDuration() {
    Event event =
        event(2)
            .setStepSucceeded(
                StepSucceeded.newBuilder()
                    .setStepId("fetch")
                    .setAttempt(1)
                    .setDuration(Duration.newBuilder().setSeconds(125)))
            .build();

    assertThat(EventText.describe(event)).isEqualTo("succeeded: attempt 1 in 2m05s");
  }
}
