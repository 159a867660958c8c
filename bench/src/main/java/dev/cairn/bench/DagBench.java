package dev.cairn.bench;

import dev.cairn.v1.Event;
import dev.cairn.v1.GetServerStatsResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs one DAG on make and on a fresh Cairn server: a warm-up run each, then {@code repeats}
 * measured runs, reporting medians.
 */
final class DagBench {
  private DagBench() {}

  /** Medians over the measured runs. */
  record Result(
      Dag dag,
      long makeNanos,
      long cairnNanos,
      double eventsPerSecond,
      double commitsPerStep,
      long peakRssBytes) {
    double ratio() {
      return (double) cairnNanos / makeNanos;
    }
  }

  static Result run(Path root, Path workDir, Dag dag, int serverMaxParallel, int repeats)
      throws IOException, InterruptedException {
    List<Long> make = new ArrayList<>();
    MakeRunner.run(dag, workDir.resolve("make"));
    for (int i = 0; i < repeats; i++) {
      make.add(MakeRunner.run(dag, workDir.resolve("make")));
    }
    List<Long> cairn = new ArrayList<>();
    List<Double> eventRates = new ArrayList<>();
    List<Double> commitRates = new ArrayList<>();
    long peakRss;
    try (CairnServerProcess server =
        CairnServerProcess.start(root, workDir.resolve("cairn-data"), serverMaxParallel)) {
      requireSucceeded(RunTimer.run(server, dag.spec()));
      for (int i = 0; i < repeats; i++) {
        GetServerStatsResponse before = server.stats();
        RunTimer.Timed timed = RunTimer.run(server, dag.spec());
        GetServerStatsResponse after = server.stats();
        requireSucceeded(timed);
        cairn.add(timed.nanos());
        long events = after.getEventsAppended() - before.getEventsAppended();
        long commits = after.getCommits() - before.getCommits();
        eventRates.add(events / (timed.nanos() / 1e9));
        commitRates.add((double) commits / dag.size());
      }
      peakRss = server.peakRssBytes();
    }
    return new Result(
        dag, median(make), median(cairn), median(eventRates), median(commitRates), peakRss);
  }

  private static void requireSucceeded(RunTimer.Timed timed) {
    if (timed.terminal() != Event.PayloadCase.RUN_SUCCEEDED) {
      throw new IllegalStateException("run " + timed.runId() + " ended with " + timed.terminal());
    }
  }

  static <T extends Comparable<T>> T median(List<T> values) {
    List<T> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
