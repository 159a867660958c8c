package dev.cairn.bench;

import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Replay on a large store, measured three ways, since the server replays only unfinished runs when
 * it starts:
 *
 * <ul>
 *   <li>fold: GetRun on every run, one client, sequentially; each answer folds the run's events;
 *   <li>stream: WatchEvents over the whole log from global seq 0, without follow;
 *   <li>recovery: a cold start on a store whose every run is unfinished (its last step recorded as
 *       started, its process gone), so the start replays all events and records each attempt as
 *       LOST; its cost is that start minus a start on an empty store.
 * </ul>
 */
final class ReplayBench {
  private ReplayBench() {}

  /** Rates in events per second and the times behind them. */
  record Result(
      long events,
      int runs,
      double buildEventsPerSecond,
      long finishedStartNanos,
      double foldEventsPerSecond,
      double streamEventsPerSecond,
      long unfinishedStartNanos,
      long emptyStartNanos,
      double recoveryEventsPerSecond,
      CatchUpBench.Result catchUp) {}

  static Result run(
      Path root,
      Path workDir,
      long targetEvents,
      int stepsPerRun,
      long emptyStartNanos,
      int catchUpRounds)
      throws IOException, InterruptedException {
    int runs = runs(targetEvents, stepsPerRun);

    Path finished = workDir.resolve("finished");
    long buildStart = System.nanoTime();
    long events = build(root, finished, runs, stepsPerRun, "finished");
    double buildRate = events / ((System.nanoTime() - buildStart) / 1e9);
    long finishedStart;
    double foldRate;
    double streamRate;
    CatchUpBench.Result catchUp;
    try (CairnServerProcess server = CairnServerProcess.start(root, finished, 8)) {
      finishedStart = server.readyNanos - server.launchedNanos;
      foldRate = fold(server, runs, stepsPerRun);
      catchUp = CatchUpBench.run(root, workDir, server, events, catchUpRounds);
      streamRate = catchUp.javaSingle();
    }

    Path unfinished = workDir.resolve("unfinished");
    long unfinishedEvents = build(root, unfinished, runs, stepsPerRun, "unfinished");
    long unfinishedStart;
    try (CairnServerProcess server = CairnServerProcess.start(root, unfinished, 8)) {
      unfinishedStart = server.readyNanos - server.launchedNanos;
      long failed =
          server
                  .runs()
                  .withDeadlineAfter(60, TimeUnit.SECONDS)
                  .getRun(GetRunRequest.newBuilder().setRunId(runId(runs - 1)).build())
                  .getRun()
                  .getStatus()
                  .equals(RunStatus.RUN_STATUS_FAILED)
              ? 1
              : 0;
      if (failed != 1) {
        throw new IllegalStateException("recovery did not end the unfinished runs");
      }
    }
    long recoveryNanos = Math.max(1, unfinishedStart - emptyStartNanos);
    return new Result(
        events,
        runs,
        buildRate,
        finishedStart,
        foldRate,
        streamRate,
        unfinishedStart,
        emptyStartNanos,
        unfinishedEvents / (recoveryNanos / 1e9),
        catchUp);
  }

  /** Only the catch-up figures, on a store of finished runs. */
  static CatchUpBench.Result catchUpOnly(
      Path root, Path workDir, long targetEvents, int stepsPerRun, int rounds)
      throws IOException, InterruptedException {
    Path finished = workDir.resolve("finished");
    long events = build(root, finished, runs(targetEvents, stepsPerRun), stepsPerRun, "finished");
    try (CairnServerProcess server = CairnServerProcess.start(root, finished, 8)) {
      return CatchUpBench.run(root, workDir, server, events, rounds);
    }
  }

  private static int runs(long targetEvents, int stepsPerRun) {
    int eventsPerRun = 2 * stepsPerRun + 2;
    return (int) ((targetEvents + eventsPerRun - 1) / eventsPerRun);
  }

  private static double fold(CairnServerProcess server, int runs, int stepsPerRun) {
    long start = System.nanoTime();
    long events = 0;
    for (int run = 0; run < runs; run++) {
      var answer =
          server
              .runs()
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .getRun(GetRunRequest.newBuilder().setRunId(runId(run)).build())
              .getRun();
      if (answer.getStepsCount() != stepsPerRun) {
        throw new IllegalStateException("run " + runId(run) + " folded to the wrong step count");
      }
      events += 2L * stepsPerRun + 2;
    }
    return events / ((System.nanoTime() - start) / 1e9);
  }

  private static String runId(int run) {
    return String.format("bench-%07d", run);
  }

  private static long build(Path root, Path dataDir, int runs, int stepsPerRun, String mode)
      throws IOException, InterruptedException {
    String classPath = BenchPaths.serverClassPath(root);
    Path log = Files.createDirectories(dataDir.getParent()).resolve(mode + "-build.log");
    Process process =
        new ProcessBuilder(
                BenchPaths.java(),
                "-cp",
                classPath,
                StoreBuilder.class.getName(),
                dataDir.toString(),
                Integer.toString(runs),
                Integer.toString(stepsPerRun),
                mode)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("building the store failed:\n" + Files.readString(log));
    }
    List<String> lines = Files.readAllLines(log);
    return Long.parseLong(lines.get(lines.size() - 1).trim());
  }
}
