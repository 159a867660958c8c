package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged cancels survive a crash; SIGTERM stops steps and they are retried after restart. */
class CrashRecoveryIT {
  @TempDir Path dataDir;

  @Test
  void cancelAcknowledgedThenKillNineEndsCancelledAfterRestart() {
    // The step ignores SIGTERM, so its processes are still alive (in the grace period) when the
    // server dies right after acknowledging the cancel.
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=30s");
    try {
      Runs runs = new Runs(server);
      String runId =
          runs.submit(
              workflow(
                  "cancel-crash",
                  shell("stubborn", "trap '' TERM; sleep 1000 & wait; sleep 1000"),
                  shell("later", "true", "stubborn")));
      runs.awaitStatus(
          runId, run -> run.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(30));
      String marker = ProcScan.runMarker(dataDir, runId);
      List<Long> pids = ProcScan.withEnvironment(marker);
      assertThat(pids).isNotEmpty();

      var status = server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
      assertThat(status.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLING);
      assertThat(ProcScan.withEnvironment(marker)).as("alive in the grace period").isNotEmpty();
      server.kill9();
      // The launcher's attempt shims kill their attempts when the server dies; recovery would
      // find whatever escaped them.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!ProcScan.withEnvironment(marker).isEmpty() && System.nanoTime() - deadline < 0) {
        ServerProcess.pause(20);
      }
      assertThat(ProcScan.withEnvironment(marker)).as("alive after the crash").isEmpty();

      server.relaunch();
      Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
      assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
      assertThat(ProcScan.withEnvironment(marker)).isEmpty();
      pids.forEach(pid -> assertThat(ProcScan.alive(pid)).as("pid %d", pid).isFalse());
    } finally {
      server.close();
    }
  }

  /**
   * A cancel that overtakes the launches, then kill -9 at once: the cancel is durable, and a step's
   * start may not be, so after the restart nothing would launch that step again. The restarted
   * engine settles it, and the run ends CANCELLED with nothing of it left.
   */
  @Test
  void cancelDuringLaunchThenKillNineEndsCancelledAfterRestart() {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=30s");
    try {
      Runs runs = new Runs(server);
      for (int i = 0; i < 5; i++) {
        String runId =
            runs.submit(
                workflow(
                    "cancel-launch-crash",
                    shell("a", "trap '' TERM; sleep 1000"),
                    shell("b", "trap '' TERM; sleep 1000"),
                    shell("c", "trap '' TERM; sleep 1000")));
        server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
        server.kill9();
        server.relaunch();
        Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
        assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
        assertThat(ProcScan.withEnvironment(ProcScan.runMarker(dataDir, runId)))
            .extracting(ProcScan::describe)
            .isEmpty();
      }
    } finally {
      server.close();
    }
  }

  @Test
  void sigtermStopsStepsWithinTheGraceAndTheyRunAgainAfterRestart() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      String runId =
          runs.submit(
              workflow(
                  "graceful",
                  shell(
                      "polite", "if [ \"$CAIRN_ATTEMPT\" = 1 ]; then echo waiting; sleep 1000; fi"),
                  shell(
                      "stubborn",
                      "if [ \"$CAIRN_ATTEMPT\" = 1 ]; then trap '' TERM; sleep 1000"
                          + " & wait; sleep 1000; fi")));
      runs.awaitStatus(
          runId,
          run -> run.getSteps(0).getAttemptsCount() == 1 && run.getSteps(1).getAttemptsCount() == 1,
          Duration.ofSeconds(30));
      String marker = ProcScan.runMarker(dataDir, runId);
      runs.awaitOutput(runId, "polite", "waiting\n");

      Duration took = server.terminate();
      assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(2 + 1));
      assertThat(ProcScan.withEnvironment(marker)).isEmpty();

      server.relaunch();
      Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
      assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
      for (var step : run.getStepsList()) {
        assertThat(step.getAttemptsCount()).isEqualTo(2);
        assertThat(step.getAttempts(0).getFailureReason())
            .isEqualTo(FailureReason.FAILURE_REASON_INTERRUPTED);
      }
      assertThat(run.getSteps(0).getAttempts(0).getOutputBytes())
          .as("what the interrupted attempt wrote")
          .isEqualTo("waiting\n".length());
      List<Event> all = runs.all();
      History.assertGapFree(all);
      History.assertNoOverlappingAttempts(all);
    } finally {
      server.close();
    }
  }

  @Test
  void stepsLeftReadyByACrashStartRightAfterRecovery() {
    // One slot: `hog` holds it, so `first` of the other run is ready but cannot start. After a
    // crash, recovery fails `hog` for good (LOST, no retries) and nothing else is due to happen:
    // the ready step must start on its own.
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.max-parallel=1");
    try {
      Runs runs = new Runs(server);
      String hog = runs.submit(workflow("hog", shell("hog", "echo hogging; sleep 1000")));
      runs.awaitStatus(hog, run -> run.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(30));
      runs.awaitOutput(hog, "hog", "hogging\n");
      String waiting =
          runs.submit(
              workflow("waiting", shell("first", "true"), shell("second", "true", "first")));
      server.kill9();
      server.relaunch();
      Run lost = runs.awaitStatus(hog, Runs::terminal, Duration.ofSeconds(30));
      assertThat(lost.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
      assertThat(lost.getSteps(0).getAttempts(0).getFailureReason())
          .isEqualTo(FailureReason.FAILURE_REASON_LOST);
      assertThat(lost.getSteps(0).getAttempts(0).getOutputBytes())
          .as("what the lost attempt wrote")
          .isEqualTo("hogging\n".length());
      assertThat(lost.getSteps(0).getAttempts(0).hasDuration())
          .as("how long a lost attempt ran is not known: no duration rather than 0")
          .isFalse();
      assertThat(runs.awaitStatus(waiting, Runs::terminal, Duration.ofSeconds(30)).getStatus())
          .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    } finally {
      server.close();
    }
  }
}
