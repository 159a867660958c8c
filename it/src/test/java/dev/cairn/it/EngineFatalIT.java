package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fatal error on the engine thread never leaves a server that says SERVING and answers nothing:
 * the process exits with status 70 at once, and the next start takes the run up again.
 */
class EngineFatalIT {
  // The test-only hook (InjectedFault in the server): an Error when the engine decides the start
  // of an attempt of the workflow named here.
  private static final String FAULT = "-Dtest.cairn.engine-fault=error:doomed";

  @TempDir Path dataDir;

  @Test
  void anErrorOnTheEngineThreadExitsWithStatus70AndTheNextStartRecovers() throws Exception {
    String runId;
    try (ServerProcess server = ServerProcess.start(dataDir, FAULT)) {
      runId = new Runs(server).submit(workflow("doomed", shell("a", "echo survived")));
      long submitted = System.nanoTime();

      OptionalInt status = server.awaitExit(Duration.ofSeconds(10));
      Duration took = Duration.ofNanos(System.nanoTime() - submitted);

      System.out.printf(
          "server exited with %s %d ms after the submit returned%n", status, took.toMillis());
      assertThat(status).as("exit status; log:%n%s", server.logText()).hasValue(70);
      // At once, not after a graceful stop (the stop grace is 5 s); generous for a loaded machine.
      assertThat(took).isLessThan(Duration.ofSeconds(3));
      assertThat(server.logText())
          .containsOnlyOnce("the engine cannot go on")
          .contains("InjectedError");
    }
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      assertThat(new Runs(server).follow(runId)).last().matches(Event::hasRunSucceeded);
    }
  }
}
