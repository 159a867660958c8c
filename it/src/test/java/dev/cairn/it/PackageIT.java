package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive works on its own: unpacked into an empty directory, with a symlink to its
 * launcher on PATH, it starts a server and runs an example to SUCCEEDED, with no source checkout.
 */
class PackageIT {
  private static final Path REPO = Path.of(System.getProperty("cairn.repo")).normalize();
  @TempDir Path work;

  @Test
  void theUnpackedArchiveServesAndRunsAnExample() throws Exception {
    Result packed = run(REPO, Duration.ofMinutes(3), "bin/package", "--skip-build");
    assertThat(packed.exit()).as(packed.output()).isZero();
    Path archive = Path.of(packed.output().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(archive.getFileName().toString()).matches("cairn-.+\\.tar\\.gz");

    Path install = Files.createDirectories(work.resolve("opt"));
    assertThat(run(install, Duration.ofMinutes(1), "tar", "-xzf", archive.toString()).exit())
        .isZero();
    Path home;
    try (var entries = Files.list(install)) {
      home = entries.findFirst().orElseThrow();
    }
    Path pathBin = Files.createDirectories(work.resolve("path-bin"));
    Files.createSymbolicLink(pathBin.resolve("cairn"), home.resolve("bin/cairn"));

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dataDir = work.resolve("data");
    String address = "127.0.0.1:" + port;
    Process server =
        shell(work, "exec cairn server --data-dir " + dataDir + " --port " + port, pathBin)
            .redirectOutput(work.resolve("server.log").toFile())
            .start();
    try {
      awaitListing(address, dataDir, pathBin);
      Result example =
          runShell(
              home,
              "cairn run examples/hello.yaml",
              pathBin,
              List.of("CAIRN_SERVER=" + address, "CAIRN_DATA_DIR=" + dataDir));
      assertThat(example.exit()).as(example.output()).isZero();
      assertThat(example.output()).contains("SUCCEEDED");
    } finally {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  private void awaitListing(String address, Path dataDir, Path pathBin) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      Result list =
          runShell(
              work,
              "cairn list --limit 1",
              pathBin,
              List.of("CAIRN_SERVER=" + address, "CAIRN_DATA_DIR=" + dataDir));
      if (list.exit() == 0) {
        return;
      }
      assertThat(Instant.now())
          .as(
              "the server from the archive answers; last: %s; log: %s",
              list.output(), Files.readString(work.resolve("server.log")))
          .isBefore(deadline);
      ServerProcess.pause(200);
    }
  }

  record Result(int exit, String output) {}

  private static ProcessBuilder shell(Path directory, String command, Path pathBin) {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
    builder.directory(directory.toFile());
    // A user's shell: the archive's launcher through the symlink on PATH, and Java from JAVA_HOME.
    builder.environment().put("PATH", pathBin + ":" + System.getenv("PATH"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("CAIRN_DATA_DIR");
    builder.environment().remove("CAIRN_SERVER");
    return builder;
  }

  private Result runShell(Path directory, String command, Path pathBin, List<String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = shell(directory, command, pathBin);
    for (String pair : env) {
      int split = pair.indexOf('=');
      builder.environment().put(pair.substring(0, split), pair.substring(split + 1));
    }
    return finish(builder, Duration.ofMinutes(2));
  }

  private Result run(Path directory, Duration timeout, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.directory(directory.toFile());
    return finish(builder, timeout);
  }

  private Result finish(ProcessBuilder builder, Duration timeout)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile(work, "out", ".txt");
    builder.redirectOutput(output.toFile());
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(builder.command() + " did not end in " + timeout);
    }
    return new Result(process.exitValue(), Files.readString(output));
  }
}
