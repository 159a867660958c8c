package dev.cairn.bench;

import dev.cairn.v1.Argv;
import dev.cairn.v1.RunServiceGrpc;
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
 *
 * <p>The same client then times the same submits against {@link SubmitFloorServer}, which only
 * commits each request to SQLite and answers: the floor of a durable submit over gRPC on this
 * machine, which tells what Cairn adds from what the machine costs.
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
      long pingP99Nanos,
      long floorP50Nanos,
      long floorP99Nanos) {}

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
    long[] latencies;
    long[] pings;
    try (CairnServerProcess server =
        CairnServerProcess.start(root, workDir.resolve("cairn-data"), serverMaxParallel)) {
      warmUp(submits, () -> submit(server.runs(), request));
      awaitIdle(server);
      latencies = time(submits, () -> submit(server.runs(), request));
      awaitIdle(server);
      pings = time(submits, server::stats);
    }
    long[] floor;
    try (SubmitFloorProcess server = SubmitFloorProcess.start(root, workDir.resolve("floor"))) {
      warmUp(submits, () -> submit(server.runs(), request));
      floor = time(submits, () -> submit(server.runs(), request));
    }
    return new Result(
        submits,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies[latencies.length - 1],
        percentile(pings, 0.50),
        percentile(pings, 0.99),
        percentile(floor, 0.50),
        percentile(floor, 0.99));
  }

  private static void warmUp(int submits, Runnable call) {
    for (int i = 0; i < Math.max(50, submits); i++) {
      call.run();
    }
  }

  /** Each call's latency, sorted. */
  private static long[] time(int calls, Runnable call) {
    long[] latencies = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      call.run();
      latencies[i] = System.nanoTime() - start;
    }
    Arrays.sort(latencies);
    return latencies;
  }

  private static void submit(RunServiceGrpc.RunServiceBlockingStub runs, SubmitRunRequest request) {
    runs.withDeadlineAfter(30, TimeUnit.SECONDS).submitRun(request);
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
