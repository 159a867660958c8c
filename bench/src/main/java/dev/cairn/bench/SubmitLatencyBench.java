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
 * <p>Two more measurements tell what bounds the figure. The same submits against {@link
 * SubmitFloorServer}, which only commits each request to SQLite and answers: the floor of a durable
 * submit over gRPC on this machine, timed in blocks that alternate with Cairn's. And the same
 * submits to a server whose only slot a long {@code sleep} holds, so that each run waits in the
 * queue and no step starts while submits are timed: what the steps' execution, on the same cores,
 * adds to a submit.
 */
final class SubmitLatencyBench {
  private SubmitLatencyBench() {}

  /** Percentiles of one measurement, in nanoseconds. */
  record Latencies(long p50, long p90, long p99, long max) {
    static Latencies of(long[] sorted) {
      return new Latencies(
          percentile(sorted, 0.50),
          percentile(sorted, 0.90),
          percentile(sorted, 0.99),
          sorted[sorted.length - 1]);
    }
  }

  /**
   * @param submits the number of timed calls in each measurement
   * @param cairn submits whose runs execute meanwhile: the figure the targets are about
   * @param queued submits whose runs wait in the queue, so that no step runs meanwhile
   * @param ping GetServerStats on the same connection: the floor of a unary call, no store work
   * @param floor submits to {@link SubmitFloorServer}: the floor of a durable submit
   */
  record Result(int submits, Latencies cairn, Latencies queued, Latencies ping, Latencies floor) {}

  /** Timed submits go to Cairn and to the floor in this many alternating blocks. */
  static final int BLOCKS = 10;

  static Result run(Path root, Path workDir, int submits, int serverMaxParallel)
      throws IOException, InterruptedException {
    SubmitRunRequest request = oneStep("bench-submit", "true");
    Latencies cairn;
    Latencies ping;
    Latencies floor;
    int timed;
    // Cairn and the floor are timed in alternating blocks, both servers up throughout, so that
    // both see the same machine: the floor's p50 alone ranged from 0.53 to 0.98 ms between full
    // runs here, which made a ratio measured minutes apart a draw.
    try (CairnServerProcess server =
            CairnServerProcess.start(root, workDir.resolve("cairn-data"), serverMaxParallel);
        SubmitFloorProcess floorServer = SubmitFloorProcess.start(root, workDir.resolve("floor"))) {
      warmUp(submits, () -> submit(server.runs(), request));
      awaitIdle(server);
      warmUp(submits, () -> submit(floorServer.runs(), request));
      int block = Math.max(1, submits / BLOCKS);
      long[] cairnTimes = new long[block * BLOCKS];
      long[] floorTimes = new long[block * BLOCKS];
      for (int i = 0; i < BLOCKS; i++) {
        timeInto(cairnTimes, i * block, block, () -> submit(server.runs(), request));
        // The floor's block starts once Cairn's last runs have ended: their steps would be its
        // load, not the floor's.
        awaitIdle(server);
        timeInto(floorTimes, i * block, block, () -> submit(floorServer.runs(), request));
      }
      timed = cairnTimes.length;
      cairn = sorted(cairnTimes);
      floor = sorted(floorTimes);
      ping = time(submits, server::stats);
    }
    Latencies queued;
    try (CairnServerProcess server =
        CairnServerProcess.start(root, workDir.resolve("cairn-queued"), 1)) {
      // Holds the only slot past the measurement; stopping the server stops it.
      submit(server.runs(), oneStep("bench-slot-holder", "sleep", "3600"));
      warmUp(submits, () -> submit(server.runs(), request));
      queued = time(submits, () -> submit(server.runs(), request));
      if (server.stats().getRunningAttempts() != 1) {
        throw new IllegalStateException("a queued submit's step ran while submits were timed");
      }
    }
    return new Result(timed, cairn, queued, ping, floor);
  }

  private static SubmitRunRequest oneStep(String name, String... argv) {
    return SubmitRunRequest.newBuilder()
        .setSpec(
            WorkflowSpec.newBuilder()
                .setName(name)
                .addSteps(
                    StepSpec.newBuilder()
                        .setId("only")
                        .setArgv(Argv.newBuilder().addAllArgs(Arrays.asList(argv)))))
        .build();
  }

  private static void warmUp(int submits, Runnable call) {
    for (int i = 0; i < Math.max(50, submits); i++) {
      call.run();
    }
  }

  private static Latencies time(int calls, Runnable call) {
    long[] latencies = new long[calls];
    timeInto(latencies, 0, calls, call);
    return sorted(latencies);
  }

  private static void timeInto(long[] latencies, int from, int calls, Runnable call) {
    for (int i = from; i < from + calls; i++) {
      long start = System.nanoTime();
      call.run();
      latencies[i] = System.nanoTime() - start;
    }
  }

  private static Latencies sorted(long[] latencies) {
    Arrays.sort(latencies);
    return Latencies.of(latencies);
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
