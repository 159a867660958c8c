package dev.cairn.bench;

import dev.cairn.v1.Argv;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Sequential submits of a one-step workflow from one gRPC client, each timed from the call to its
 * answer (which the server sends once RunSubmitted is durable). The runs execute meanwhile. As many
 * submits warm the server and the client up first: with a fifth as many, the first 500 measured
 * submits still ran at twice the p50 of the last 500.
 */
final class SubmitLatencyBench {
  private SubmitLatencyBench() {}

  /**
   * Latency percentiles in nanoseconds, and those of a GetServerStats round trip on the same
   * connection: the floor of a unary call on this machine, with no store work.
   */
  record Result(
      int submits,
      long p50Nanos,
      long p99Nanos,
      long maxNanos,
      long pingP50Nanos,
      long pingP99Nanos) {}

  static Result run(Path root, Path workDir, int submits, int serverMaxParallel)
      throws IOException, InterruptedException {
    SubmitRunRequest request =
        SubmitRunRequest.newBuilder()
            .setSpec(
                WorkflowSpec.newBuilder()
                    .setName("bench-submit")
                    .addSteps(
                        StepSpec.newBuilder()
                            .setId("only")
                            .setArgv(Argv.newBuilder().addArgs("true"))))
            .build();
    long[] latencies = new long[submits];
    long[] pings = new long[submits];
    try (CairnServerProcess server =
        CairnServerProcess.start(root, workDir.resolve("cairn-data"), serverMaxParallel)) {
      for (int i = 0; i < Math.max(50, submits); i++) {
        submit(server, request);
      }
      awaitIdle(server);
      for (int i = 0; i < submits; i++) {
        long start = System.nanoTime();
        submit(server, request);
        latencies[i] = System.nanoTime() - start;
      }
      awaitIdle(server);
      for (int i = 0; i < submits; i++) {
        long start = System.nanoTime();
        server.stats();
        pings[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(latencies);
    Arrays.sort(pings);
    return new Result(
        submits,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies[latencies.length - 1],
        percentile(pings, 0.50),
        percentile(pings, 0.99));
  }

  private static void submit(CairnServerProcess server, SubmitRunRequest request) {
    server.runs().withDeadlineAfter(30, TimeUnit.SECONDS).submitRun(request);
  }

  static void awaitIdle(CairnServerProcess server) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (server.stats().getLiveRuns() > 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("runs still live after 5 minutes");
      }
      Thread.sleep(20);
    }
  }

  static long percentile(long[] sorted, double fraction) {
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
