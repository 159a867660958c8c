package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.StepSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State is a fold over the log: a new server process on the same data directory answers exactly
 * what the old one did, and the log is gap-free.
 */
class ReplayIT {
  @TempDir Path dataDir;

  @Test
  void newServerProcessAnswersEveryFinishedRunExactlyAsBefore() {
    Map<String, Run> before = new LinkedHashMap<>();
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Runs runs = new Runs(server);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        StepSpec flaky =
            shell("flaky", "test \"$CAIRN_ATTEMPT\" -ge 2").toBuilder()
                .setRetry(Specs.retry(2, 50, 2, 0.5))
                .build();
        ids.add(
            runs.submit(
                workflow(
                    "replay-" + i,
                    shell("a", "echo " + i),
                    flaky,
                    shell("b", i % 3 == 0 ? "exit 1" : "true", "a", "flaky"),
                    shell("c", "true", "b"))));
      }
      String cancelled = runs.submit(workflow("to-cancel", shell("long", "sleep 1000")));
      runs.awaitStatus(
          cancelled, run -> run.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(20));
      server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(cancelled).build());
      ids.add(cancelled);
      for (String id : ids) {
        runs.follow(id);
        before.put(id, runs.get(id));
      }
      History.assertGapFree(runs.all());
    }
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      Runs runs = new Runs(server);
      for (Map.Entry<String, Run> entry : before.entrySet()) {
        assertThat(Runs.terminal(entry.getValue())).isTrue();
        assertThat(runs.get(entry.getKey())).isEqualTo(entry.getValue());
      }
      History.assertGapFree(runs.all());
    }
  }
}
