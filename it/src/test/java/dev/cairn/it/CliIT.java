package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CairnCommand;
import dev.cairn.cli.CliContext;
import dev.cairn.cli.Environment;
import dev.cairn.cli.client.ChannelFactory;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The CLI against a real server: in-process through CommandLine.execute, and as processes. */
class CliIT extends SharedServer {
  private static final Path REPO = Path.of(System.getProperty("cairn.repo"));
  private static final Path CLI_JAR = Path.of(System.getProperty("cairn.cli.jar"));
  @TempDir static Path work;

  record Result(int exitCode, String out, String err) {}

  /** Runs the CLI in this JVM with the server and token given through the environment. */
  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext context =
        new CliContext(
            Environment.of(
                Map.of("CAIRN_SERVER", server.target(), "CAIRN_DATA_DIR", dataDir.toString())),
            ChannelFactory.netty(),
            new ByteArrayOutputStream(),
            ZoneOffset.UTC);
    CommandLine commandLine = CairnCommand.commandLine(context);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Starts the CLI jar as a separate process, the way a user in another shell would. */
  static Process cliProcess(Path output, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(CLI_JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.environment().put("CAIRN_SERVER", server.target());
    builder.environment().put("CAIRN_DATA_DIR", dataDir.toString());
    return builder.start();
  }

  @Test
  void deleteRemovesAFinishedRunAndRefusesALiveOne() throws Exception {
    String live = runs.submit(Specs.workflow("delete-live", Specs.shell("wait", "sleep 600")));
    Result refused = cli("delete", live);
    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
    assertThat(refused.err()).contains("has not finished").doesNotContain("\tat ");
    assertThat(runs.get(live).getStatus()).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(cli("cancel", live).exitCode()).isZero();
    runs.awaitStatus(live, Runs::terminal, Duration.ofSeconds(30));

    String done = runs.submit(Specs.workflow("delete-done", Specs.shell("say", "echo bye")));
    runs.follow(done);
    assertThat(dataDir.resolve("logs").resolve(done)).isDirectory();
    Result deleted = cli("delete", done);
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(deleted.out()).startsWith("run " + done + ": removed at ");
    assertThat(dataDir.resolve("logs").resolve(done)).doesNotExist();

    Result status = cli("status", done);
    assertThat(status.exitCode()).isEqualTo(4);
    assertThat(status.err()).contains("was removed at").contains("by delete");
    // A cancel or a rerun of it says so too, rather than that no such run exists.
    for (String command : new String[] {"cancel", "rerun"}) {
      Result gone = cli(command, done);
      assertThat(gone.exitCode()).as(command).isEqualTo(4);
      assertThat(gone.err()).as(command).contains("was removed at");
    }
    // Deleting again answers with the tombstone; the cancelled run can go too.
    assertThat(cli("delete", done).exitCode()).isZero();
    assertThat(cli("delete", live, "-o", "json").out()).contains("RUN_REMOVAL_CAUSE_DELETE");
    assertThat(cli("delete", "no-such-run").exitCode()).isEqualTo(4);
  }

  @Test
  void scheduleCommandsFromCreateToDelete() throws Exception {
    Path file = work.resolve("scheduled.yaml");
    Files.writeString(file, "name: scheduled\nsteps:\n  - id: a\n    run: 'true'\n");
    Result badZone =
        cli(
            "schedule",
            "create",
            "cli-s",
            file.toString(),
            "--cron",
            "0 3 * * *",
            "--zone",
            "Mars/X");
    assertThat(badZone.exitCode()).isEqualTo(2);
    assertThat(badZone.err().strip())
        .startsWith("cairn: unknown time zone 'Mars/X'")
        .doesNotContain("\n");

    Result created =
        cli(
            "schedule",
            "create",
            "cli-s",
            file.toString(),
            "--cron",
            "0 3 * * *",
            "--zone",
            "Europe/Berlin",
            "--overlap",
            "buffer-one",
            "--catch-up",
            "5m",
            "--paused");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("schedule cli-s created", "buffer-one", "5m00s", "paused");
    assertThat(cli("schedule", "list").out())
        .containsPattern("(?m)^cli-s +0 3 \\* \\* \\* +Europe/Berlin +paused");
    Result triggered = cli("schedule", "trigger", "cli-s");
    assertThat(triggered.exitCode()).as(triggered.err()).isZero();
    String runId = triggered.out().strip();
    runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
    Result described = cli("schedule", "describe", "cli-s");
    assertThat(described.out()).contains(runId, "triggered", "succeeded", "none while paused");
    assertThat(cli("schedule", "describe", "cli-s", "-o", "json").out())
        .startsWith("{\"schedule\":")
        .contains("\"time_zone\":\"Europe/Berlin\"");
    assertThat(cli("schedule", "resume", "cli-s").out()).isEqualTo("schedule cli-s: active\n");
    assertThat(cli("schedule", "describe", "cli-s", "--next", "2").out())
        .containsPattern("(?m)^  \\d{4}-\\d\\d-\\d\\d 0[12]:00:00$");
    assertThat(cli("schedule", "pause", "cli-s").out()).isEqualTo("schedule cli-s: paused\n");
    assertThat(cli("schedule", "delete", "cli-s").exitCode()).isZero();
    Result gone = cli("schedule", "describe", "cli-s");
    assertThat(gone.exitCode()).isEqualTo(4);
    assertThat(gone.err()).isEqualTo("cairn: schedule cli-s not found\n");
    assertThat(cli("schedule", "create", "--help").out()).contains("Examples:", "--catch-up");
  }

  /**
   * {@code cairn events --follow | head -n 1}: once head has gone, the next event the CLI writes
   * ends it (141, as SIGPIPE would), where it used to follow on for nobody until killed.
   */
  @Test
  void aFollowEndsOnceItsReaderHasGone() throws Exception {
    Path output = work.resolve("pipe.out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                "bash",
                "-c",
                "'"
                    + java
                    + "' -jar '"
                    + CLI_JAR
                    + "' events --follow --after 0 | head -n 1 >/dev/null;"
                    + " echo \"cairn=${PIPESTATUS[0]}\"")
            .redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.environment().put("CAIRN_SERVER", server.target());
    builder.environment().put("CAIRN_DATA_DIR", dataDir.toString());
    Process pipeline = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // Each new run's events are more for the CLI to write after head has gone.
      while (!pipeline.waitFor(200, TimeUnit.MILLISECONDS)) {
        assertThat(System.nanoTime() - deadline).as("the follow never ended").isNegative();
        runs.submit(Specs.workflow("pipe", Specs.shell("a", "true")));
      }
      assertThat(Files.readString(output)).contains("cairn=141");
    } finally {
      pipeline.destroyForcibly();
    }
  }

  @Test
  void theLauncherWorksThroughASymlinkOnPath() throws Exception {
    Path bin = Files.createDirectories(work.resolve("path-bin"));
    Files.createSymbolicLink(bin.resolve("cairn"), REPO.resolve("bin/cairn"));
    Path output = work.resolve("symlinked.out");
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", "cairn list --limit 1").redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.directory(work.toFile());
    // The shell looks cairn up on this PATH, as a user's would.
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("CAIRN_SERVER", server.target());
    builder.environment().put("CAIRN_DATA_DIR", dataDir.toString());
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(output)).isZero();
  }

  @Test
  void aRequestIdReturnsItsRunForTheSameWorkflowAndIsRefusedForAnother() throws Exception {
    Path first = work.resolve("reuse-a.yaml");
    Path other = work.resolve("reuse-b.yaml");
    Files.writeString(first, "name: reuse\nsteps:\n  - {id: a, run: \"true\"}\n");
    Files.writeString(other, "name: reuse\nsteps:\n  - {id: a, run: \"false\"}\n");
    String key = "reuse-" + System.nanoTime();

    Result submitted = cli("submit", first.toString(), "--request-id", key);
    Result again = cli("submit", first.toString(), "--request-id", key);
    Result reused = cli("submit", other.toString(), "--request-id", key);

    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    String runId = submitted.out().strip();
    assertThat(again.exitCode()).isZero();
    assertThat(again.out().strip()).isEqualTo(runId);
    assertThat(again.err()).contains("already names run " + runId);
    assertThat(reused.exitCode()).isEqualTo(2);
    assertThat(reused.err())
        .contains("request id '" + key + "' was already used for run " + runId)
        .hasLineCount(1);
  }

  @Test
  void runFollowsTheHelloExampleToSuccess() {
    Result result = cli("run", REPO.resolve("examples/hello.yaml").toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("SUCCEEDED");
  }

  @Test
  void runOfAFailingWorkflowExitsOne() {
    Result result = cli("run", REPO.resolve("examples/failing-branch.yaml").toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("FAILED");
    // It ends with what the failed step printed, and the command that shows all of it.
    assertThat(result.out())
        .contains("--- broken (attempt 1): last line of output\n  about to fail\n");
    assertThat(result.out().strip())
        .containsPattern("all of it: cairn logs \\S+ \\S+ --attempt 1$");
  }

  @Test
  void cancelFromAnotherProcessEndsTheRunAndEveryProcessOfIt() throws Exception {
    Path workflow = work.resolve("long.yaml");
    Files.writeString(
        workflow,
        """
        name: cancel-me
        steps:
          - id: busy
            run: sleep 1000 & sleep 1000
          - id: after
            run: echo never
            depends_on: [busy]
        """);
    Path runOutput = work.resolve("run.out");
    Process run = cliProcess(runOutput, "run", workflow.toString());
    try {
      String runId = awaitRunNamed("cancel-me");
      runs.awaitStatus(runId, r -> r.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(30));
      String marker = ProcScan.runMarker(dataDir, runId);
      List<Long> pids = awaitProcesses(marker, 3);

      Process cancel = cliProcess(work.resolve("cancel.out"), "cancel", runId);
      assertThat(cancel.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(cancel.exitValue()).as(Files.readString(work.resolve("cancel.out"))).isZero();

      assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).as(Files.readString(runOutput)).isEqualTo(3);
      Run finished = runs.get(runId);
      assertThat(finished.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
      assertThat(ProcScan.withEnvironment(marker)).isEmpty();
      for (long pid : pids) {
        assertThat(ProcScan.alive(pid)).as("pid %d", pid).isFalse();
      }
    } finally {
      run.destroyForcibly();
    }
  }

  private static String awaitRunNamed(String name) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      for (RunSummary summary :
          server
              .stub()
              .listRuns(ListRunsRequest.newBuilder().setName(name).build())
              .getRunsList()) {
        return summary.getRunId();
      }
      ServerProcess.pause(20);
    }
    throw new AssertionError("no run named " + name);
  }

  private static List<Long> awaitProcesses(String marker, int count) {
    Instant deadline = Instant.now().plusSeconds(30);
    List<Long> pids = ProcScan.withEnvironment(marker);
    while (pids.size() < count && Instant.now().isBefore(deadline)) {
      ServerProcess.pause(10);
      pids = ProcScan.withEnvironment(marker);
    }
    assertThat(pids).hasSizeGreaterThanOrEqualTo(count);
    return pids;
  }

  static Stream<Arguments> badWorkflows() {
    return Stream.of(
        Arguments.of(
            "cycle",
            """
            steps:
              - {id: a, run: "true", depends_on: [b]}
              - {id: b, run: "true", depends_on: [a]}
            """,
            "cycle"),
        Arguments.of(
            "unknown-dependency",
            "steps:\n  - {id: a, run: \"true\", depends_on: [ghost]}\n",
            "ghost"),
        Arguments.of(
            "duplicate-id",
            "steps:\n  - {id: a, run: \"true\"}\n  - {id: a, run: \"true\"}\n",
            "duplicate step id"),
        Arguments.of("empty-command", "steps:\n  - {id: a, run: \"\"}\n", "empty"),
        Arguments.of(
            "ten-megabytes",
            "steps:\n  - id: a\n    run: echo " + "x".repeat(10 * 1024 * 1024) + "\n",
            // Over the transport's 4 MiB: refused before any Cairn code reads it.
            "takes in one message"),
        Arguments.of(
            "two-megabytes",
            "steps:\n  - id: a\n    run: echo " + "x".repeat(2 * 1024 * 1024) + "\n",
            "the limit is 1048576 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badWorkflows")
  void badWorkflowExitsTwoWithOneLineAndWritesNothing(String name, String yaml, String mention)
      throws Exception {
    Path file = work.resolve(name + ".yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    int eventsBefore = runs.all().size();
    Result result = cli("submit", file.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains(mention);
    assertThat(result.err().strip().lines()).hasSize(1);
    assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(runs.all()).hasSize(eventsBefore);
  }
}
