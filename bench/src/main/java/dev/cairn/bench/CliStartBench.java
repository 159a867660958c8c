package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CLI start: {@code cairn list} against a local server with a few runs, alternated with the same
 * call from the Python client (a process each), so that both see the same machine. The launcher is
 * the installable one bin/package stages in target/dist (with its class data archive, and its
 * ahead-of-time cache when a JDK 25 was at hand), else the checkout's bin/cairn.
 */
final class CliStartBench {
  private CliStartBench() {}

  /**
   * Medians in nanoseconds; python is -1 when the client's environment is missing.
   *
   * @param launcher the cairn launcher measured
   */
  record Result(int samples, long cli, long python, String launcher) {}

  static Result run(Path root, Path workDir, int samples) throws IOException, InterruptedException {
    Path launcher = launcher(root);
    Path python = root.resolve("clients/.venv/bin/python");
    boolean withPython = Files.isExecutable(python);
    try (CairnServerProcess server = CairnServerProcess.start(root, workDir.resolve("data"), 4)) {
      Map<String, String> env =
          Map.of(
              "CAIRN_SERVER",
              "127.0.0.1:" + server.port(),
              "CAIRN_DATA_DIR",
              server.dataDir().toString(),
              "PYTHONPATH",
              root.resolve("clients/python/src").toString());
      List<String> cli = List.of(launcher.toString(), "list");
      List<String> py =
          List.of(
              python.toString(),
              "-c",
              "from cairn_client import Client\nfor run in Client().list(): print(run.run_id)");
      List<Long> cliTimes = new ArrayList<>();
      List<Long> pyTimes = new ArrayList<>();
      // One unmeasured round warms the page cache for both.
      for (int i = 0; i <= samples; i++) {
        long c = time(cli, env, workDir);
        long p = withPython ? time(py, env, workDir) : -1;
        if (i > 0) {
          cliTimes.add(c);
          pyTimes.add(p);
        }
      }
      return new Result(
          samples,
          DagBench.median(cliTimes),
          withPython ? DagBench.median(pyTimes) : -1,
          root.relativize(launcher).toString());
    }
  }

  private static Path launcher(Path root) throws IOException {
    Path dist = root.resolve("target/dist");
    if (Files.isDirectory(dist)) {
      try (var entries = Files.list(dist)) {
        for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
          Path cairn = entry.resolve("bin/cairn");
          if (Files.isExecutable(cairn)) {
            return cairn;
          }
        }
      }
    }
    return root.resolve("bin/cairn");
  }

  private static long time(List<String> command, Map<String, String> env, Path workDir)
      throws IOException, InterruptedException {
    Path out = workDir.resolve("cli-start.out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.redirectOutput(out.toFile());
    long start = System.nanoTime();
    Process process = builder.start();
    int exit = process.waitFor();
    long elapsed = System.nanoTime() - start;
    if (exit != 0) {
      throw new IllegalStateException(command + " failed: " + Files.readString(out));
    }
    return elapsed;
  }
}
