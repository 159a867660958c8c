package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps that leave children behind — backgrounded, nohup'ed, and escaped into their own session
 * with setsid — leave zero processes after a cancel, after a timeout, and after kill -9 of the
 * server followed by a restart.
 */
class ProcessTreeIT {
  private static final String TREE =
      "sleep 1000 & nohup sleep 1000 >/dev/null 2>&1 & setsid sleep 1000 & sleep 1000";
  @TempDir Path dataDir;

  private static WorkflowSpec trees(StepSpec.Builder... extra) {
    return workflow(
        "trees",
        shell("background", "sleep 1000 & sleep 1000"),
        shell("nohup", "nohup sleep 1000 >/dev/null 2>&1 & sleep 1000"),
        shell("setsid", "setsid sleep 1000 & sleep 1000"),
        shell("all", TREE));
  }

  private static List<Long> awaitTreesUp(Path dataDir, String runId) {
    String marker = ProcScan.runMarker(dataDir, runId);
    // sh + sleep per simple step (3 x 3) and sh + 4 sleeps for the last one.
    int expected = 3 * 3 + 5;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<Long> pids = ProcScan.withEnvironment(marker);
    while (pids.size() < expected && System.nanoTime() < deadline) {
      ServerProcess.pause(20);
      pids = ProcScan.withEnvironment(marker);
    }
    assertThat(pids).hasSizeGreaterThanOrEqualTo(expected);
    return pids;
  }

  private static void assertAllGone(Path dataDir, String runId, List<Long> pids) {
    assertThat(ProcScan.withEnvironment(ProcScan.runMarker(dataDir, runId)))
        .as("processes of run %s", runId)
        .extracting(ProcScan::describe)
        .isEmpty();
    for (long pid : pids) {
      assertThat(ProcScan.alive(pid)).as("pid %d", pid).isFalse();
    }
  }

  @Test
  void cancelLeavesNothing() {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      String runId = runs.submit(trees());
      List<Long> pids = awaitTreesUp(dataDir, runId);
      server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
      runs.follow(runId);
      assertThat(runs.get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
      assertAllGone(dataDir, runId, pids);
    }
  }

  /**
   * A cancel that arrives while the steps are still being launched. The server launches every root
   * step right after the submit's commit, before it takes the cancel, so each step's process exists
   * or is about to: a launch the cancel overtakes is recorded as started and then stopped. The run
   * is CANCELLED only once nothing of it runs, and its history holds every process it started.
   */
  @Test
  void cancelDuringLaunchLeavesNothing() {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      for (int i = 0; i < 10; i++) {
        String runId = runs.submit(trees());
        server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
        runs.follow(runId);
        var run = runs.get(runId);
        assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
        assertAllGone(dataDir, runId, List.of());
        assertThat(run.getStepsList())
            .as("every step's process, recorded")
            .allSatisfy(
                step -> {
                  assertThat(step.getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
                  assertThat(step.getAttemptsCount()).as(step.getStepId()).isEqualTo(1);
                });
      }
    }
  }

  @Test
  void timeoutLeavesNothing() {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      WorkflowSpec spec = trees();
      WorkflowSpec timed =
          spec.toBuilder()
              .setDefaults(spec.getDefaults().toBuilder().setTimeout(Specs.millis(1500)))
              .build();
      String runId = runs.submit(timed);
      List<Long> pids = awaitTreesUp(dataDir, runId);
      runs.follow(runId);
      var run = runs.get(runId);
      assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
      run.getStepsList()
          .forEach(
              step ->
                  assertThat(step.getAttempts(0).getFailureReason())
                      .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT));
      assertAllGone(dataDir, runId, pids);
    }
  }

  @Test
  void killNineAndRestartLeavesNothing() {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      String runId = runs.submit(trees());
      List<Long> pids = awaitTreesUp(dataDir, runId);
      // The premise is attempts recorded as running: wait until every StepStarted is durable
      // (GetRun folds the committed log), since a start may sit in the commit window for a while.
      runs.awaitStatus(
          runId,
          run -> run.getStepsList().stream().allMatch(step -> step.getAttemptsCount() == 1),
          Duration.ofSeconds(30));
      server.kill9();
      server.relaunch();
      // Recovery kills every recorded attempt and sweeps the markers before it answers.
      assertAllGone(dataDir, runId, pids);
      var run = runs.get(runId);
      run.getStepsList()
          .forEach(
              step ->
                  assertThat(step.getAttempts(0).getFailureReason())
                      .isEqualTo(FailureReason.FAILURE_REASON_LOST));
      server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
      runs.follow(runId);
    } finally {
      server.close();
    }
  }
}
