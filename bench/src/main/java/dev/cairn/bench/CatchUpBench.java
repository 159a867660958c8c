package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Catch-up: a client reads a stored history with WatchEvents (from global seq 0, no follow) and
 * checks it is whole and in order. The Java client (a JVM of its own, in batches and one event per
 * message), the Python client (clients/.venv) and the Go client each read it in turn, round after
 * round, so that they share the machine alike; each figure is the median of the rounds.
 */
final class CatchUpBench {
  private CatchUpBench() {}

  /** Events per second for each client; NaN where a client could not be run, with the reason. */
  record Result(
      long events,
      int rounds,
      double javaBatched,
      double javaSingle,
      double python,
      double go,
      String pythonMissing,
      String goMissing,
      double loadAverage) {}

  static Result run(Path root, Path workDir, CairnServerProcess server, long expected, int rounds)
      throws IOException, InterruptedException {
    Path dataDir = server.dataDir();
    Map<String, String> env =
        Map.of("CAIRN_SERVER", "127.0.0.1:" + server.port(), "CAIRN_DATA_DIR", dataDir.toString());
    Path python = pythonClient(root);
    Path go = goClient(root, workDir);
    double[] batched = new double[rounds];
    double[] single = new double[rounds];
    double[] py = new double[rounds];
    double[] golang = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      batched[round] = external(java(root, server, 1024), root, env, expected, workDir);
      single[round] = external(java(root, server, 0), root, env, expected, workDir);
      py[round] =
          python == null
              ? Double.NaN
              : external(
                  List.of(python.toString(), root.resolve("bench/catchup.py").toString()),
                  root.resolve("clients/python/src"),
                  env,
                  expected,
                  workDir);
      golang[round] =
          go == null ? Double.NaN : external(List.of(go.toString()), root, env, expected, workDir);
    }
    return new Result(
        expected,
        rounds,
        median(batched),
        median(single),
        median(py),
        median(golang),
        python == null ? "no clients/.venv (clients/test.sh makes it)" : "",
        go == null ? "no Go toolchain, or the example did not build" : "",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Runs a client program that prints "EVENTS EVENTS_PER_SECOND" and returns the rate. */
  private static double external(
      List<String> command, Path pythonPath, Map<String, String> env, long expected, Path workDir)
      throws IOException, InterruptedException {
    Path out = workDir.resolve("catchup-client.out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("PYTHONPATH", pythonPath.toString());
    builder.redirectOutput(out.toFile());
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the catch-up client " + command + " did not finish");
    }
    String text = Files.readString(out).trim();
    // The figure is the last line; a client's library may log above it.
    String[] fields = text.substring(text.lastIndexOf('\n') + 1).split("\\s+");
    if (process.exitValue() != 0 || fields.length != 2 || Long.parseLong(fields[0]) != expected) {
      throw new IllegalStateException("the catch-up client " + command + " failed: " + text);
    }
    return Double.parseDouble(fields[1]);
  }

  /** The Java client's command line: the JDK's default flags, the bench jar's shaded gRPC. */
  private static List<String> java(Path root, CairnServerProcess server, int maxBatch) {
    return List.of(
        BenchPaths.java(),
        "-cp",
        root.resolve("bench/target/cairn-bench-0.1.0-SNAPSHOT-all.jar").toString(),
        CatchUpClient.class.getName(),
        Integer.toString(server.port()),
        server.dataDir().resolve("token").toString(),
        Integer.toString(maxBatch));
  }

  private static Path pythonClient(Path root) {
    Path python = root.resolve("clients/.venv/bin/python");
    return Files.isExecutable(python) ? python : null;
  }

  /** Builds the Go client's catch-up example, so that its compile time is not measured. */
  private static Path goClient(Path root, Path workDir) throws InterruptedException {
    Path binary = workDir.resolve("catchup-go");
    try {
      Process build =
          new ProcessBuilder("go", "build", "-o", binary.toString(), "./examples/catchup")
              .directory(root.resolve("clients/go").toFile())
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("catchup-go-build.log").toFile())
              .start();
      return build.waitFor() == 0 ? binary : null;
    } catch (IOException noGo) {
      return null;
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
