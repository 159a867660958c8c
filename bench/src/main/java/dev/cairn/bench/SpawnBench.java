package dev.cairn.bench;

import dev.cairn.server.process.LaunchRequest;
import dev.cairn.server.process.LauncherKind;
import dev.cairn.server.process.ProcessSupervisor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The spawn path in isolation: sequential starts of {@code true}, each to the report of its end, by
 * a bare ProcessBuilder, through each wrapper of the launch chain, and through the real
 * ProcessSupervisor with each launcher (the wrappers, and the cairn-spawn helper). Runs in its own
 * JVM on the server's class path, once per {@code jdk.lang.Process.launchMechanism}.
 *
 * <p>Usage: {@code SpawnBench COUNT WORK_DIR}
 */
public final class SpawnBench {
  private SpawnBench() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    Path workDir = Files.createDirectories(Path.of(args[1]));
    String mechanism = System.getProperty("jdk.lang.Process.launchMechanism", "default");
    List<String> lines = new ArrayList<>();
    lines.add(row(mechanism, "true", builder(workDir, List.of("/bin/true")), count));
    lines.add(
        row(
            mechanism,
            "setsid true",
            builder(workDir, List.of("/usr/bin/setsid", "--", "/bin/true")),
            count));
    lines.add(
        row(
            mechanism,
            "setpriv --pdeathsig KILL true",
            builder(workDir, List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/true")),
            count));
    lines.add(
        row(
            mechanism,
            "prlimit --fsize true",
            builder(workDir, List.of("/usr/bin/prlimit", "--fsize=268435456", "--", "/bin/true")),
            count));
    lines.add(
        row(
            mechanism,
            "setpriv + prlimit, no setsid (what a spawn in its own session would leave)",
            builder(
                workDir,
                List.of(
                    "/usr/bin/setpriv",
                    "--pdeathsig",
                    "KILL",
                    "--",
                    "/usr/bin/prlimit",
                    "--fsize=268435456",
                    "--",
                    "/bin/true")),
            count));
    lines.add(
        row(
            mechanism,
            "full wrapper chain (ProcessBuilder)",
            builder(
                workDir,
                List.of(
                    "/usr/bin/setpriv",
                    "--pdeathsig",
                    "KILL",
                    "--",
                    "/usr/bin/setsid",
                    "--",
                    "/usr/bin/prlimit",
                    "--fsize=268435456",
                    "--",
                    "/bin/true")),
            count));
    lines.add(supervised(mechanism, workDir, count, LauncherKind.WRAPPERS));
    lines.add(supervised("helper", workDir, count, LauncherKind.HELPER));
    lines.add(posixSpawn(workDir, count));
    lines.forEach(System.out::println);
  }

  private static ProcessBuilder builder(Path workDir, List<String> argv) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.directory(workDir.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectOutput(workDir.resolve("out.log").toFile());
    builder.redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    return builder;
  }

  private static String row(String mechanism, String what, ProcessBuilder builder, int count)
      throws Exception {
    for (int i = 0; i < count / 5; i++) {
      builder.start().waitFor();
    }
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (builder.start().waitFor() != 0) {
        throw new IllegalStateException(what + " failed");
      }
    }
    return format(mechanism, what, (System.nanoTime() - start) / count);
  }

  private static String supervised(String mechanism, Path workDir, int count, LauncherKind launcher)
      throws Exception {
    try (ProcessSupervisor supervisor =
        new ProcessSupervisor(Duration.ofSeconds(5), launcher, workDir.resolve("bin"))) {
      for (int i = 0; i < count / 5; i++) {
        launchAndWait(supervisor, workDir, "warm" + i);
      }
      long launching = 0;
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        launching += launchAndWait(supervisor, workDir, "m" + i);
      }
      long total = System.nanoTime() - start;
      String through = " (" + supervisor.launcherName() + ")";
      return format(mechanism, "ProcessSupervisor.launch call alone" + through, launching / count)
          + "\n"
          + format(mechanism, "ProcessSupervisor.launch to exit report" + through, total / count);
    }
  }

  /** Returns how long the launch call itself took. */
  private static long launchAndWait(ProcessSupervisor supervisor, Path workDir, String id)
      throws Exception {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    long start = System.nanoTime();
    supervisor.launch(
        new LaunchRequest(
            "cairn-spawn-bench/" + id + "/",
            List.of("true"),
            Map.of("PATH", "/usr/bin:/bin"),
            workDir,
            workDir.resolve("out.log"),
            268_435_456L),
        exited -> exit.complete(exited.exitCode()));
    long launching = System.nanoTime() - start;
    if (exit.get() != 0) {
      throw new IllegalStateException("a supervised true failed");
    }
    return launching;
  }

  // Independent of the JDK's launch mechanism, so it is the same experiment on every row group.
  private static String posixSpawn(Path workDir, int count) {
    List<String> argv =
        List.of(
            "/usr/bin/setpriv",
            "--pdeathsig",
            "KILL",
            "--",
            "/usr/bin/prlimit",
            "--fsize=268435456",
            "--",
            "/bin/true");
    List<String> env = List.of("PATH=/usr/bin:/bin", "CAIRN_MARKER=cairn-spawn-bench/x/");
    Path output = workDir.resolve("out.log");
    for (int i = 0; i < count / 5; i++) {
      PosixSpawnExperiment.spawnAndWait(argv, env, workDir, output);
    }
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (PosixSpawnExperiment.spawnAndWait(argv, env, workDir, output) != 0) {
        throw new IllegalStateException("the posix_spawn experiment's step failed");
      }
    }
    return format(
        "JNA posix_spawn",
        "setpriv + prlimit in a session from POSIX_SPAWN_SETSID, waitpid (experiment)",
        (System.nanoTime() - start) / count);
  }

  private static String format(String mechanism, String what, long nanos) {
    return String.format(Locale.ROOT, "| %s | %s | %.3f ms |", mechanism, what, nanos / 1e6);
  }
}
