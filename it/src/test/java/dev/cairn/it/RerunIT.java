package dev.cairn.it;

import static dev.cairn.it.RunFeatures.cli;
import static dev.cairn.it.RunFeatures.file;
import static dev.cairn.it.RunFeatures.runId;
import static dev.cairn.it.RunFeatures.started;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.RerunRunRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn rerun}: only what did not succeed runs again, durably, and the original stays. */
class RerunIT {
  @TempDir Path dataDir;
  @TempDir Path work;

  /** A diamond whose branch b fails until the file {@code fixed} exists; a writes an output. */
  private Path diamond() throws Exception {
    Path fixed = work.resolve("fixed");
    return file(
        work,
        "diamond.yaml",
        """
        name: diamond
        steps:
          - id: a
            run: echo version=7 >> "$CAIRN_OUTPUT"
          - id: b
            run: sleep 1; test -f '%s'
            depends_on: [a]
            retry: { max_attempts: 2, initial_backoff: 100ms }
          - id: c
            run: "true"
            depends_on: [a]
          - id: d
            run: test "$CAIRN_OUT_a_version" = 7
            depends_on: [b, c]
        """
            .formatted(fixed));
  }

  @Test
  void aRerunRunsOnlyTheFailedStepAndItsDownstreamAndLeavesTheOriginal() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      RunFeatures.Result first = cli(server, dataDir, "run", diamond().toString());
      assertThat(first.exitCode()).as(first.out() + first.err()).isEqualTo(1);
      String original = runId(first);
      Run before = runs.get(original);

      Files.writeString(work.resolve("fixed"), "");
      RunFeatures.Result rerun = cli(server, dataDir, "rerun", original);
      assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
      String rerunId = runId(rerun);
      List<Event> events = runs.follow(rerunId);
      assertThat(started(events)).containsExactlyInAnyOrder("b", "d");
      assertThat(events.get(0).getRunSubmitted().getRerunOf()).isEqualTo(original);
      Run after = runs.get(rerunId);
      assertThat(after.getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
      assertThat(after.getRerunOf()).isEqualTo(original);
      assertThat(after.getSteps(0).getCarriedFromRunId()).isEqualTo(original);
      assertThat(after.getSteps(0).getOutputsMap()).containsEntry("version", "7");
      // The original run is unchanged but for the link to its rerun, which GetRun adds.
      Run originalNow = runs.get(original);
      assertThat(originalNow.getRerunRunIdsList()).containsExactly(rerunId);
      assertThat(originalNow.toBuilder().clearRerunRunIds().build()).isEqualTo(before);
      assertThat(cli(server, dataDir, "status", original).out()).contains("rerun by " + rerunId);

      // --step on a succeeded run: that step and its downstream only.
      RunFeatures.Result again = cli(server, dataDir, "rerun", rerunId, "--step", "c");
      assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
      assertThat(started(runs.follow(runId(again)))).containsExactlyInAnyOrder("c", "d");

      RunFeatures.Result status = cli(server, dataDir, "status", rerunId);
      assertThat(status.out()).contains("rerun of " + original).contains("kept from " + original);
      RunFeatures.Result list = cli(server, dataDir, "list");
      assertThat(list.out()).contains("RERUN OF");
    } finally {
      server.close();
    }
  }

  @Test
  void aRerunSubmittedThenKillNineCompletesAfterRestartWithItsCarriedResults() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      RunFeatures.Result first = cli(server, dataDir, "run", diamond().toString());
      assertThat(first.exitCode()).isEqualTo(1);
      String original = runId(first);
      Files.writeString(work.resolve("fixed"), "");

      // A crash while b runs: b is LOST and retried after the restart (it has a retry).
      String rerunId =
          server
              .stub()
              .rerunRun(RerunRunRequest.newBuilder().setRunId(original).build())
              .getRunId();
      server.kill9();
      server.relaunch();
      Run done = runs.awaitStatus(rerunId, Runs::terminal, Duration.ofSeconds(60));
      assertThat(done.getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
      // The carried results are those of the original run, outputs included: d checked them.
      assertThat(done.getSteps(0).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
      assertThat(done.getSteps(0).getCarriedFromRunId()).isEqualTo(original);
      assertThat(done.getSteps(0).getOutputsMap()).containsEntry("version", "7");
      assertThat(done.getSteps(2).getCarriedFromRunId()).isEqualTo(original);
      assertThat(started(runs.follow(rerunId))).doesNotContain("a", "c");
      History.assertGapFree(runs.all());
    } finally {
      server.close();
    }
  }
}
