package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.render.Names;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunSummary;
import dev.cairn.v1.StepRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn run} on a pseudo-terminal (util-linux {@code script} gives it one) while the real
 * server restarts under it: the table's title shows the lost connection, and the table shows the
 * run's current state within two seconds of the server being ready again.
 */
class LiveTableRestartIT {
  private static final Path CLI_JAR = Path.of(System.getProperty("cairn.cli.jar"));

  @TempDir Path work;

  @Test
  void theTableShowsTheLostConnectionAndThenTheCurrentState() throws Exception {
    Path dataDir = work.resolve("data");
    Path workflow = work.resolve("long.yaml");
    Files.writeString(
        workflow,
        "name: long\n"
            + "defaults:\n"
            + "  retry: {max_attempts: 3, initial_backoff: 100ms}\n"
            + "steps:\n"
            + "  - {id: a, run: 'sleep 600'}\n");
    Path screen = work.resolve("screen.out");
    ServerProcess server = ServerProcess.start(dataDir);
    Process cli = null;
    try {
      cli = onPseudoTerminal(server, screen, "run", workflow.toString());
      awaitScreen(screen, text -> lastFrame(text).contains("pid "), Duration.ofSeconds(30));
      String runId = onlyRunId(server);

      server.stop();
      awaitScreen(
          screen,
          text -> lastFrame(text).startsWith("run long: running - connection lost, reconnecting"),
          Duration.ofSeconds(15));
      server.relaunch();
      Instant ready = Instant.now();

      // The first moment the screen agrees with the server, which settles the step the stop
      // interrupted during its recovery, before it reports ready.
      Instant current = null;
      while (Duration.between(ready, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0) {
        Run run = new Runs(server).get(runId);
        String frame = lastFrame(read(screen));
        if (!frame.contains("connection lost") && shows(frame, run)) {
          current = Instant.now();
          break;
        }
        ServerProcess.pause(50);
      }
      assertThat(current)
          .as("the table caught up; last frame:%n%s", lastFrame(read(screen)))
          .isNotNull();
      Duration caughtUp = Duration.between(ready, current);
      System.out.println("table current " + caughtUp.toMillis() + " ms after the server was ready");
      assertThat(caughtUp).isLessThan(Duration.ofSeconds(2));
    } finally {
      if (cli != null) {
        cli.descendants().forEach(ProcessHandle::destroyForcibly);
        cli.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      server.close();
    }
  }

  /** Runs the CLI jar under {@code script}, whose pseudo-terminal makes it draw the live table. */
  private static Process onPseudoTerminal(ServerProcess server, Path screen, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(CLI_JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder("script", "-q", "-e", "-c", String.join(" ", command), "/dev/null");
    builder.redirectErrorStream(true).redirectOutput(screen.toFile());
    builder.environment().put("TERM", "xterm");
    builder.environment().put("CAIRN_SERVER", server.target());
    builder.environment().put("CAIRN_DATA_DIR", server.dataDir().toString());
    return builder.start();
  }

  private static String onlyRunId(ServerProcess server) {
    List<RunSummary> runs =
        server.stub().listRuns(ListRunsRequest.getDefaultInstance()).getRunsList();
    assertThat(runs).hasSize(1);
    return runs.get(0).getRunId();
  }

  /**
   * Whether the frame's title and rows show the run's status and each step's status and attempt.
   */
  private static boolean shows(String frame, Run run) {
    List<String> lines = frame.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals("run long: " + Names.of(run.getStatus()))) {
      return false;
    }
    for (StepRun step : run.getStepsList()) {
      String attempt =
          step.getAttemptsCount() == 0 ? "-" : Integer.toString(step.getAttemptsCount());
      boolean found =
          lines.stream()
              .map(line -> line.trim().split("\\s{2,}"))
              .anyMatch(
                  cells ->
                      cells.length >= 3
                          && cells[0].equals(step.getStepId())
                          && cells[1].equals(Names.of(step.getStatus()))
                          && cells[2].equals(attempt));
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** The block drawn last: the text after the last clear-to-end, cursor moves and CRs removed. */
  static String lastFrame(String text) {
    int clear = text.lastIndexOf("\u001b[J");
    String frame = clear < 0 ? "" : text.substring(clear + 3);
    return frame.replaceAll("\u001b\\[\\d+A", "").replace("\r", "");
  }

  private static String read(Path file) throws Exception {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void awaitScreen(Path screen, Predicate<String> condition, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.test(read(screen))) {
      assertThat(Instant.now())
          .as("screen within %s; so far:%n%s", timeout, read(screen))
          .isBefore(deadline);
      ServerProcess.pause(50);
    }
  }
}
