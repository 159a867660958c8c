package dev.cairn.bench;

import dev.cairn.v1.Event;
import dev.cairn.v1.GetServerStatsResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs one DAG on make and on a fresh Cairn server: {@code warmUps} warm-up runs each, then {@code
 * repeats} measured pairs (a make run, then a Cairn run), reporting medians. The ratio is the
 * median of the pairs' ratios.
 */
final class DagBench {
  private DagBench() {}

  /** Medians over the measured runs. */
  record Result(
      Dag dag,
      long makeNanos,
      long cairnNanos,
      double ratio,
      double eventsPerSecond,
      double commitsPerStep,
      long peakRssBytes,
      Cpu makeCpu,
      Cpu cairnCpu) {}

  /**
   * CPU per step in milliseconds, medians over the measured runs: the whole machine's, and the
   * parts of it spent by the server's JVM, by the processes it started (the launcher and every step
   * it reaped), and by this harness, the client. For make, only the machine's is known.
   */
  record Cpu(double machine, double server, double launcher, double client) {
    static Cpu median(List<Cpu> runs) {
      return new Cpu(
          DagBench.median(runs.stream().map(Cpu::machine).toList()),
          DagBench.median(runs.stream().map(Cpu::server).toList()),
          DagBench.median(runs.stream().map(Cpu::launcher).toList()),
          DagBench.median(runs.stream().map(Cpu::client).toList()));
    }
  }

  static Result run(
      Path root, Path workDir, Dag dag, int serverMaxParallel, int warmUps, int repeats)
      throws IOException, InterruptedException {
    List<Long> make = new ArrayList<>();
    List<Cpu> makeCpu = new ArrayList<>();
    List<Cpu> cairnCpu = new ArrayList<>();
    List<Long> cairn = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<Double> eventRates = new ArrayList<>();
    List<Double> commitRates = new ArrayList<>();
    long peakRss;
    try (CairnServerProcess server =
        CairnServerProcess.start(root, workDir.resolve("cairn-data"), serverMaxParallel)) {
      for (int i = 0; i < warmUps; i++) {
        MakeRunner.run(dag, workDir.resolve("make"));
        requireSucceeded(RunTimer.run(server, dag.spec()));
      }
      // make and Cairn alternate, so that both see the same machine: on a shared VM the speed of
      // the same make run drifted by a third within minutes.
      for (int i = 0; i < repeats; i++) {
        long busy = CpuMeter.machineBusyTicks();
        long makeNanos = MakeRunner.run(dag, workDir.resolve("make"));
        make.add(makeNanos);
        makeCpu.add(new Cpu(perStep(CpuMeter.machineBusyTicks() - busy, dag), 0, 0, 0));

        GetServerStatsResponse before = server.stats();
        Ticks ticks = Ticks.now(server);
        RunTimer.Timed timed = RunTimer.run(server, dag.spec());
        Ticks ticksAfter = Ticks.now(server);
        GetServerStatsResponse after = server.stats();
        requireSucceeded(timed);
        cairnCpu.add(ticksAfter.perStepSince(ticks, dag));
        cairn.add(timed.nanos());
        ratios.add((double) timed.nanos() / makeNanos);
        long events = after.getEventsAppended() - before.getEventsAppended();
        long commits = after.getCommits() - before.getCommits();
        eventRates.add(events / (timed.nanos() / 1e9));
        commitRates.add((double) commits / dag.size());
      }
      peakRss = server.peakRssBytes();
    }
    return new Result(
        dag,
        median(make),
        median(cairn),
        median(ratios),
        median(eventRates),
        median(commitRates),
        peakRss,
        Cpu.median(makeCpu),
        Cpu.median(cairnCpu));
  }

  /**
   * CPU ticks so far: the machine's, the server's, its child processes' (the launcher with the
   * steps it reaped) and this harness's.
   */
  private record Ticks(long machine, long server, long launcher, long client) {
    static Ticks now(CairnServerProcess server) {
      long launcher = 0;
      for (long child : CpuMeter.children(server.pid())) {
        launcher += CpuMeter.processTicks(child);
      }
      return new Ticks(
          CpuMeter.machineBusyTicks(),
          CpuMeter.processTicks(server.pid()),
          launcher,
          CpuMeter.processTicks(ProcessHandle.current().pid()));
    }

    Cpu perStepSince(Ticks before, Dag dag) {
      return new Cpu(
          perStep(machine - before.machine, dag),
          perStep(server - before.server, dag),
          perStep(launcher - before.launcher, dag),
          perStep(client - before.client, dag));
    }
  }

  private static double perStep(long ticks, Dag dag) {
    return ticks * 1000 / CpuMeter.TICKS_PER_SECOND / dag.size();
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
