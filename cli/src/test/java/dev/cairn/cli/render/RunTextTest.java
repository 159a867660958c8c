package dev.cairn.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cairn.v1.Attempt;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepRun;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cairn status} says what the log says. */
class RunTextTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:10:00Z");

  private static Timestamp at(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
  }

  private static List<String> lines(Run run) {
    return RunText.lines(run, ZoneOffset.UTC, NOW);
  }

  private static Run.Builder run(RunStatus status, StepRun.Builder... steps) {
    Run.Builder run =
        Run.newBuilder()
            .setRunId("r1")
            .setName("w")
            .setStatus(status)
            .setCreateTime(at(NOW.minusSeconds(600)));
    for (StepRun.Builder step : steps) {
      run.addSteps(step);
    }
    return run;
  }

  @Test
  void aScheduledRunNamesItsScheduleAndNominalTime() {
    Run scheduled =
        run(RunStatus.RUN_STATUS_RUNNING)
            .setScheduleId("nightly")
            .setNominalTime(at(NOW.minusSeconds(600)))
            .build();
    assertThat(lines(scheduled)).contains("started by schedule nightly for 2026-01-02 03:00:00");
    assertThat(lines(run(RunStatus.RUN_STATUS_RUNNING).build()))
        .noneMatch(line -> line.contains("schedule"));
  }

  @Test
  void aRunningAttemptShowsItsElapsedTimeNotZero() {
    StepRun.Builder step =
        StepRun.newBuilder()
            .setStepId("build")
            .setStatus(StepStatus.STEP_STATUS_RUNNING)
            .addAttempts(
                Attempt.newBuilder()
                    .setNumber(1)
                    .setPid(42)
                    .setStartTime(at(NOW.minusSeconds(95))));
    assertThat(lines(run(RunStatus.RUN_STATUS_RUNNING, step).build()).get(2))
        .isEqualTo("build  running  1              1m35s     0 B     running (pid 42)");
  }

  @Test
  void aCancelledAttemptShowsItsSignalItsOutputAndTheCancelReason() {
    StepRun.Builder step =
        StepRun.newBuilder()
            .setStepId("serve")
            .setStatus(StepStatus.STEP_STATUS_CANCELLED)
            .addAttempts(
                Attempt.newBuilder()
                    .setNumber(1)
                    .setPid(42)
                    .setStartTime(at(NOW.minusSeconds(60)))
                    .setFinished(true)
                    .setSignal(15)
                    .setOutputBytes(5000)
                    .setMessage("cancelled")
                    .setDuration(Duration.newBuilder().setSeconds(3)));
    List<String> lines =
        lines(
            run(RunStatus.RUN_STATUS_CANCELLED, step)
                .setCancelReason("deploy window closed")
                .setCancelPrincipal("local")
                .build());
    assertThat(lines.get(1)).isEqualTo("cancel requested: deploy window closed (by local)");
    assertThat(lines.get(3))
        .isEqualTo(
            "serve  cancelled  1        signal 15  3.0s      4.9 KiB  cancelled: deploy window"
                + " closed (by local)");
  }

  @Test
  void theEffectiveRetryPolicyIsShownWithTheServersDefaults() {
    StepRun.Builder step =
        StepRun.newBuilder()
            .setStepId("flaky")
            .setStatus(StepStatus.STEP_STATUS_SUCCEEDED)
            .setEffectiveRetry(
                RetryPolicy.newBuilder()
                    .setMaxAttempts(3)
                    .setInitialBackoff(Duration.newBuilder().setSeconds(1))
                    .setMultiplier(2.0)
                    .setMaxBackoff(Duration.newBuilder().setSeconds(60))
                    .addRetryOnExitCodes(75));
    assertThat(lines(run(RunStatus.RUN_STATUS_SUCCEEDED, step).build()))
        .contains(
            "retry flaky: 3 attempts, backoff 1.0s x2.0 up to 1m00s, only on exit codes [75]");
  }

  @Test
  void exitCodesAndSignalsHaveOneWording() {
    assertThat(EventText.failure(FailureReason.FAILURE_REASON_EXIT_CODE, 1, 0, "exit code 1"))
        .isEqualTo("exit code 1");
    assertThat(EventText.failure(FailureReason.FAILURE_REASON_SIGNAL, 0, 9, "killed by signal 9"))
        .isEqualTo("killed by signal 9");
  }
}
