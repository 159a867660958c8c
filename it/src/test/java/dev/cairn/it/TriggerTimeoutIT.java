package dev.cairn.it;

import static dev.cairn.it.RunFeatures.cli;
import static dev.cairn.it.RunFeatures.file;
import static dev.cairn.it.RunFeatures.runId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.SkipReason;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.SubmitRunRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cleanup and alert steps after a failure; a run's own deadline, across a crash too. */
class TriggerTimeoutIT {
  private static final Duration GRACE = Duration.ofSeconds(2);

  @TempDir Path dataDir;
  @TempDir Path work;

  private static String handlers(String buildCommand) {
    return """
        name: handlers
        steps:
          - id: build
            run: %s
          - id: ship
            run: "true"
            depends_on: [build]
          - id: cleanup
            run: "true"
            depends_on: [ship]
            run_if: all_done
          - id: alert
            run: "true"
            depends_on: [build, ship]
            run_if: any_failed
        """
        .formatted(buildCommand);
  }

  @Test
  void cleanupAndAlertRunAfterAFailureAndTheAlertIsSkippedWithout() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      RunFeatures.Result failing =
          cli(server, dataDir, "run", file(work, "fail.yaml", handlers("exit 3")).toString());
      assertThat(failing.exitCode()).isEqualTo(1);
      Run failed = runs.get(runId(failing));
      assertThat(failed.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
      assertThat(failed.getSteps(2).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
      assertThat(failed.getSteps(3).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);

      RunFeatures.Result passing =
          cli(server, dataDir, "run", file(work, "pass.yaml", handlers("true")).toString());
      assertThat(passing.exitCode()).as(passing.out() + passing.err()).isZero();
      Run passed = runs.get(runId(passing));
      assertThat(passed.getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
      assertThat(passed.getSteps(3).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
      assertThat(passed.getSteps(3).getSkipReason())
          .isEqualTo(SkipReason.SKIP_REASON_NO_UPSTREAM_FAILED);
      assertThat(passed.getSteps(3).getAttemptsCount()).isZero();
    } finally {
      server.close();
    }
  }

  private static String sleepers() {
    return """
        name: deadline
        timeout: 2s
        steps:
          - id: one
            run: sleep 100
            retry: { max_attempts: 5, initial_backoff: 100ms }
          - id: two
            run: trap '' TERM; sleep 100
            retry: { max_attempts: 5, initial_backoff: 100ms }
        """;
  }

  @Test
  void aRunTimeoutStopsEveryStepAndTheRunFailsWithTimeout() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      long began = System.nanoTime();
      String runId =
          server
              .stub()
              .submitRun(SubmitRunRequest.newBuilder().setWorkflowYaml(sleepers()).build())
              .getRunId();
      Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      assertThat(took).isLessThan(Duration.ofSeconds(2).plus(GRACE).plusSeconds(1));
      assertTimedOut(runs, run);
      assertThat(ProcScan.withEnvironment(ProcScan.runMarker(dataDir, runId))).isEmpty();
    } finally {
      server.close();
    }
  }

  @Test
  void theDeadlineHoldsAcrossAKillNineAndRestart() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      String runId =
          server
              .stub()
              .submitRun(SubmitRunRequest.newBuilder().setWorkflowYaml(sleepers()).build())
              .getRunId();
      runs.awaitStatus(
          runId,
          run -> run.getSteps(0).getAttemptsCount() == 1 && run.getSteps(1).getAttemptsCount() == 1,
          Duration.ofSeconds(30));
      server.kill9();
      server.relaunch();
      Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
      assertTimedOut(runs, run);
      String marker = ProcScan.runMarker(dataDir, runId);
      assertThat(ProcScan.withEnvironment(marker)).isEmpty();
    } finally {
      server.close();
    }
  }

  private static void assertTimedOut(Runs runs, Run run) {
    assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(run.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
    List<Event> events = runs.follow(run.getRunId());
    assertThat(events).anyMatch(Event::hasRunTimedOut);
    Event last = events.get(events.size() - 1);
    assertThat(last.getRunFailed().getReason()).isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
  }
}
