package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server run as root with {@code cairn.run-as-user=nobody} runs every step as nobody: with
 * nobody's identity, without access to the server's token, in a run directory nobody owns.
 */
class RunAsUserIT {
  @TempDir static Path dir;
  static Path dataDir;
  static Path workRoot;
  static ServerProcess server;
  static Runs runs;

  @BeforeAll
  static void startServer() throws IOException {
    assumeTrue(isRoot(), "steps switch user only when the server runs as root");
    assumeTrue(nobodyHome() != null, "there is no user nobody here");
    dataDir = dir.resolve("data");
    // Directly under the temporary directory: nobody must be able to pass through to its run
    // directory, which it could not through the 0700 directory of this test.
    workRoot = Path.of(System.getProperty("java.io.tmpdir"), "cairn-runas-it-" + System.nanoTime());
    server =
        ServerProcess.start(dataDir, "-Dcairn.run-as-user=nobody", "-Dcairn.work-root=" + workRoot);
    runs = new Runs(server);
    // Only the token's own mode keeps nobody out now, not the directories above it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
    if (workRoot != null && Files.exists(workRoot)) {
      try (Stream<Path> paths = Files.walk(workRoot)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  @Test
  void aStepRunsAsTheUserWithItsHomeAndName() throws Exception {
    List<String> lines = output("who", "id -u; id -g; id -G; echo $HOME $USER $LOGNAME");
    assertThat(lines).containsExactly("65534", "65534", "65534", nobodyHome() + " nobody nobody");
  }

  @Test
  void aStepCannotReadTheServersToken() throws Exception {
    String runId =
        runs.submit(
            workflow(
                "token", shell("peek", "ls " + dataDir + " && cat " + dataDir.resolve("token"))));
    List<Event> events = runs.follow(runId);
    String output = Files.readString(logOf(runId, "peek"));
    assertThat(events).last().matches(Event::hasRunFailed, "the step failed to read the token");
    assertThat(output).contains("token").contains("Permission denied");
  }

  @Test
  void aStepWithoutWorkingDirRunsInItsRunDirectoryOwnedByTheUser() throws Exception {
    String runId =
        runs.submit(workflow("where", shell("look", "pwd; touch mine; stat -c %u mine")));
    List<Event> events = runs.follow(runId);
    List<String> lines = Files.readAllLines(logOf(runId, "look"));
    assertThat(events).last().matches(Event::hasRunSucceeded, "the step wrote in its directory");
    Path workingDir = Path.of(lines.get(0));
    assertThat(workingDir.getFileName().toString()).isEqualTo(runId);
    assertThat(workingDir.startsWith(workRoot)).isTrue();
    assertThat(Files.getAttribute(workingDir, "unix:uid")).isEqualTo(65534);
    assertThat(lines.get(1)).isEqualTo("65534");
  }

  @Test
  void anUnknownUserRefusesTheStartInOneLine() {
    ServerProcess.Refused refused =
        ServerProcess.startRefused(
            dir.resolve("unknown"),
            ServerProcess.freePort(),
            "-Dcairn.run-as-user=no-such-user-cairn");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.log())
        .contains("cairn.run-as-user=no-such-user-cairn: no such user")
        .doesNotContain("Cairn ready")
        .doesNotContain("\tat ");
  }

  @Test
  void theWrappersLauncherRefusesTheStart() {
    ServerProcess.Refused refused =
        ServerProcess.startRefused(
            dir.resolve("wrappers"),
            ServerProcess.freePort(),
            "-Dcairn.run-as-user=nobody",
            "-Dcairn.process-launcher=wrappers");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.log())
        .contains("cairn.run-as-user needs the cairn-spawn helper")
        .doesNotContain("\tat ");
  }

  private List<String> output(String stepId, String command) throws Exception {
    String runId = runs.submit(workflow(stepId, shell(stepId, command)));
    List<Event> events = runs.follow(runId);
    List<String> lines = Files.readAllLines(logOf(runId, stepId));
    assertThat(events).last().matches(Event::hasRunSucceeded, "the step succeeded: " + lines);
    return lines;
  }

  private static Path logOf(String runId, String stepId) {
    return dataDir.resolve("logs").resolve(runId).resolve(stepId + ".1.log");
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  private static String nobodyHome() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
      return lines
          .map(line -> line.split(":", -1))
          .filter(fields -> fields.length >= 7 && fields[0].equals("nobody"))
          .map(fields -> fields[5])
          .findFirst()
          .orElse(null);
    }
  }
}
