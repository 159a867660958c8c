package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every start refusal an operator can meet is one line on stderr and exit status 1, on the packaged
 * server. Run as root here, so a read-only directory is made with {@code chattr +i} (immutable: not
 * even root creates files in it), on a file system that supports it.
 */
class StartRefusalIT {
  private static final Path SERVER_JAR = Path.of(System.getProperty("cairn.server.jar"));

  @TempDir Path work;

  /** How a start that had to fail ended. */
  private record Refusal(int exitCode, String stdout, List<String> stderr) {}

  private Refusal start(Path dataDir, String... properties)
      throws IOException, InterruptedException {
    Path out = work.resolve("stdout-" + System.nanoTime());
    Path err = work.resolve("stderr-" + System.nanoTime());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Dcairn.data-dir=" + dataDir);
    command.add("-Dcairn.port=" + ServerProcess.freePort());
    // Later -D options win over the ones above.
    command.addAll(List.of(properties));
    command.add("-jar");
    command.add(SERVER_JAR.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("the server started on " + dataDir);
    }
    return new Refusal(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readAllLines(err, StandardCharsets.UTF_8));
  }

  private static void assertOneLine(Refusal refusal, String... expected) {
    assertThat(refusal.exitCode()).isEqualTo(1);
    assertThat(refusal.stderr()).as("stderr").hasSize(1);
    assertThat(refusal.stderr().get(0)).contains(expected).doesNotContain("Exception");
    assertThat(refusal.stdout()).doesNotContain("\tat ").doesNotContain("Cairn ready");
  }

  private static int run(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  /** The launcher's own flags take numbers: anything else is refused there, in one line. */
  @Test
  void aPortOrAParallelismThatIsNotANumber() throws Exception {
    Path launcher = Path.of(System.getProperty("cairn.repo"), "bin", "cairn");
    for (List<String> flags :
        List.of(
            List.of("--port", "abc"), List.of("--port=7420x"), List.of("--max-parallel", "-1"))) {
      List<String> command = new ArrayList<>(List.of(launcher.toString(), "server"));
      command.addAll(flags);
      command.addAll(List.of("--data-dir", work.resolve("flags").toString()));
      Process process = new ProcessBuilder(command).start();
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(stderr).isEqualTo(2);
      assertThat(stderr.lines())
          .as(flags.toString())
          .singleElement()
          .asString()
          .startsWith("cairn server: " + flags.get(0).split("=")[0] + " needs a whole number");
    }
    assertThat(work.resolve("flags")).doesNotExist();
  }

  @Test
  void aPortOrAParallelismOutOfRange() throws Exception {
    assertOneLine(
        start(work.resolve("port"), "-Dcairn.port=99999"),
        "cairn.port is 99999; it must be between 0 and 65535");
    assertOneLine(
        start(work.resolve("parallel"), "-Dcairn.max-parallel=-1"),
        "cairn.max-parallel is -1; it must be at least 0");
    // Values with which every step or every submit would fail.
    assertOneLine(
        start(work.resolve("output"), "-Dcairn.output-limit-bytes=0"),
        "cairn.output-limit-bytes is 0; it must be at least 1");
    assertOneLine(
        start(work.resolve("grace"), "-Dcairn.stop-grace=-5s"), "cairn.stop-grace is", "negative");
  }

  @Test
  void aDataDirectoryOthersCanWriteIn() throws Exception {
    Path open = Files.createDirectories(work.resolve("open"));
    Files.setPosixFilePermissions(
        open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    assertOneLine(start(open), "can be written by other users", "chmod 700");
  }

  @Test
  void aDataDirectoryThatIsAFile() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "x");
    assertOneLine(start(file), "cannot use the data directory " + file, "is not a directory");
  }

  @Test
  void aReadOnlyDataDirectoryAndAnUnwritableParent() throws Exception {
    Path locked = Files.createDirectories(work.resolve("locked"));
    assumeTrue(run("chattr", "+i", locked.toString()) == 0, "chattr +i is not supported here");
    try {
      assertOneLine(start(locked), "cannot use the data directory " + locked, "server.lock");
      Path below = locked.resolve("data");
      assertOneLine(start(below), "cannot use the data directory " + below);
    } finally {
      run("chattr", "-i", locked.toString());
    }
  }

  @Test
  void aDirectoryUnderProcCannotBeCreated() throws Exception {
    assertOneLine(start(Path.of("/proc/cairn-data")), "cannot use the data directory /proc");
  }

  @Test
  void aFileThatIsNotADatabase() throws Exception {
    Path data = Files.createDirectories(work.resolve("garbage"));
    Files.writeString(data.resolve("cairn.db"), "not a database at all ".repeat(500));
    assertOneLine(start(data), "not a database", "cairn server check --data-dir " + data);
  }

  @Test
  void aDatabaseFromANewerServer() throws Exception {
    Path data = Files.createDirectories(work.resolve("newer"));
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + data.resolve("cairn.db"));
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA user_version = 99");
    }
    assertOneLine(start(data), "schema version 99", "use a newer server");
  }

  @Test
  void aDamagedDatabase() throws Exception {
    Path data = work.resolve("damaged");
    try (ServerProcess server = ServerProcess.start(data)) {
      new Runs(server).submit(Specs.workflow("w", Specs.shell("a", "true")));
    }
    // Page 2 onwards holds the tables; a run of flipped bytes in every page but the first is
    // damage that SQLite's own check finds at open. The log is folded into the file first.
    Path database = data.resolve("cairn.db");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    byte[] bytes = Files.readAllBytes(database);
    for (int page = 1; page * 4096 + 100 < bytes.length; page++) {
      for (int i = 0; i < 64; i++) {
        bytes[page * 4096 + 8 + i] ^= (byte) 0x5a;
      }
    }
    Files.write(database, bytes);
    assertOneLine(start(data), "is damaged", "cairn server check --data-dir " + data);
  }

  @Test
  void aFullDisk() throws Exception {
    Path mount = Files.createDirectories(work.resolve("full"));
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    try {
      run("sh", "-c", "dd if=/dev/zero of=" + mount.resolve("filler") + " bs=64k 2>/dev/null");
      assertOneLine(start(mount.resolve("data")), "No space left on device");
    } finally {
      run("umount", mount.toString());
    }
  }
}
