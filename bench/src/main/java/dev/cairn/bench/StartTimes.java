package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Baselines for start times: a JVM that does nothing, and a server on an empty store. */
final class StartTimes {
  private StartTimes() {}

  /** Median time to start and end a JVM running an empty main. */
  static long jvm(Path root, int samples) throws IOException, InterruptedException {
    String jar = BenchPaths.thinJar(root).toString();
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < samples + 1; i++) {
      long start = System.nanoTime();
      Process process =
          new ProcessBuilder(BenchPaths.java(), "-cp", jar, JvmStart.class.getName())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (process.waitFor() != 0) {
        throw new IllegalStateException("the empty JVM failed");
      }
      // The first start warms the page cache and is not counted.
      if (i > 0) {
        times.add(System.nanoTime() - start);
      }
    }
    return DagBench.median(times);
  }

  /**
   * Median time from a server's process start to its being ready (health SERVING), on a fresh
   * store.
   */
  static long emptyServer(Path root, Path workDir, int samples)
      throws IOException, InterruptedException {
    return emptyServerSamples(root, workDir, samples).median();
  }

  /** Each sample of {@link #emptyServer}, in nanoseconds, in the order taken. */
  record Samples(List<Long> samples) {
    long median() {
      return DagBench.median(samples);
    }
  }

  static Samples emptyServerSamples(Path root, Path workDir, int samples)
      throws IOException, InterruptedException {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      try (CairnServerProcess server =
          CairnServerProcess.start(root, workDir.resolve("s" + i), 8)) {
        times.add(server.readyNanos - server.launchedNanos);
      }
    }
    return new Samples(List.copyOf(times));
  }
}
