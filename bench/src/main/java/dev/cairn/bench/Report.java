package dev.cairn.bench;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** The results as Markdown, each figure beside its target. */
record Report(
    LocalDate date,
    boolean quick,
    MachineInfo machine,
    FsyncProbe.Result fsync,
    List<DagBench.Result> dags,
    SubmitLatencyBench.Result submit,
    ReplayBench.Result replay,
    RecoveryBench.Result recovery,
    CliStartBench.Result cli) {

  private static final long MB = 1024 * 1024;

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("# Cairn benchmark results").append(quick ? " (--quick sizes)" : "").append("\n\n");
    out.append("Measured ")
        .append(date)
        .append(" by `bench/run`")
        .append(quick ? " --quick" : "")
        .append(".\n\n");
    out.append("- CPU: ")
        .append(machine.cpu())
        .append(", ")
        .append(machine.cores())
        .append(" cores\n");
    out.append("- Kernel: ").append(machine.kernel()).append('\n');
    out.append("- Disk: ").append(machine.disk()).append('\n');
    out.append("- JDK: ").append(machine.jdk()).append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "- Disk floor: a 4 KB write and fsync takes p50 %s, p99 %s (%d samples); every store"
                + " commit costs at least this%n%n",
            millis(fsync.p50Nanos()),
            millis(fsync.p99Nanos()),
            fsync.samples()));

    out.append(dagTable(dags));
    out.append("\n## Submit latency\n\n");
    SubmitLatencyBench.Latencies cairn = submit.cairn();
    SubmitLatencyBench.Latencies floor = submit.floor();
    out.append(
        String.format(
            Locale.ROOT,
            "%d sequential SubmitRun calls of a one-step workflow from one client, the runs"
                + " executing meanwhile: %s.%n%n"
                + "What bounds it, measured the same way:%n%n"
                + "- The same submits while no step runs (the server's one slot held by a"
                + " `sleep`, so each run waits in the queue): %s. The difference is what the"
                + " steps' execution on the same %d cores adds to a submit.%n"
                + "- The floor of a durable submit here: the same calls to a grpc-java server with"
                + " Cairn's listener settings and JVM flags whose SubmitRun only commits the request"
                + " to SQLite (WAL, synchronous=FULL) and answers, timed in %d blocks that"
                + " alternate with Cairn's, both servers up (the floor's blocks start once Cairn's"
                + " runs have ended): %s. Cairn over that floor: p50 %s, p99 %s.%n"
                + "- GetServerStats on the same connection, which touches no store (the floor of a"
                + " unary call here): %s.%n",
            submit.submits(),
            latencies(cairn),
            latencies(submit.queued()),
            Runtime.getRuntime().availableProcessors(),
            SubmitLatencyBench.BLOCKS,
            latencies(floor),
            ratio((double) cairn.p50() / floor.p50()),
            ratio((double) cairn.p99() / floor.p99()),
            latencies(submit.ping())));

    out.append("\n## Replay\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "A store of %,d events in %,d runs (chains of `true`), written through SqliteEventStore"
                + " one run per transaction at %,.0f events/s.%n%n",
            replay.events(),
            replay.runs(),
            replay.buildEventsPerSecond()));
    out.append(
        String.format(
            Locale.ROOT,
            "- Fold every run with GetRun (one client, sequential): %,.0f events/s%n",
            replay.foldEventsPerSecond()));
    out.append(
        String.format(
            Locale.ROOT,
            "- Stream the whole log with WatchEvents (no follow, one event per message): %,.0f"
                + " events/s%n",
            replay.streamEventsPerSecond()));
    out.append(
        String.format(
            Locale.ROOT,
            "- Cold start with every run unfinished (all events replayed, each run's last attempt"
                + " recorded LOST): %s to ready vs %s on an empty store: %,.0f events/s%n",
            millis(replay.unfinishedStartNanos()),
            millis(replay.emptyStartNanos()),
            replay.recoveryEventsPerSecond()));
    out.append(
        String.format(
            Locale.ROOT,
            "- Cold start with every run finished (nothing to recover): %s to ready%n",
            millis(replay.finishedStartNanos())));

    out.append('\n').append(catchUp(replay.catchUp()));
    out.append('\n').append(cliStart(cli));

    out.append("\n## Recovery after kill -9\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "A chain of %,d `true` steps (retry once after 1 ms), the server killed with SIGKILL after"
                + " %,d steps had started (the median crash of 3 by first StepStarted, 1 with"
                + " --quick; starts are medians of 3). From the new server's process start: ready (health SERVING) after"
                + " %s, first StepStarted after %s. An empty JVM starts and exits in %s; a server on"
                + " an empty store is ready after %s.%n",
            recovery.steps(),
            recovery.stepsBeforeKill(),
            millis(recovery.toReadyNanos()),
            millis(recovery.toFirstStepNanos()),
            millis(recovery.jvmStartNanos()),
            millis(recovery.emptyServerStartNanos())));

    out.append("\n## Targets\n\n");
    out.append("| target | measured | met |\n|---|---:|:---:|\n");
    DagBench.Result chain = dags.get(0);
    DagBench.Result fanOut = dags.get(1);
    row(out, "chain Cairn/make-j1 <= 2.0", ratio(chain.ratio()), chain.ratio() <= 2.0);
    row(out, "fan-out Cairn/make-j8 <= 1.5", ratio(fanOut.ratio()), fanOut.ratio() <= 1.5);
    row(
        out,
        "commits/step <= 1 (chain)",
        ratio(chain.commitsPerStep()),
        chain.commitsPerStep() <= 1);
    row(
        out,
        "commits/step <= 0.05 (fan-out)",
        ratio(fanOut.commitsPerStep()),
        fanOut.commitsPerStep() <= 0.05);
    row(out, "submit p50 <= 0.5 ms", millis(cairn.p50()), cairn.p50() <= 500_000);
    row(out, "submit p99 <= 2 ms", millis(cairn.p99()), cairn.p99() <= 2_000_000);
    // Through quarkus-grpc, against the bare grpc-java floor measured in the same run.
    double p50OverFloor = (double) cairn.p50() / floor.p50();
    double p99OverFloor = (double) cairn.p99() / floor.p99();
    row(out, "submit p50 <= 2.0x durable floor", ratio(p50OverFloor), p50OverFloor <= 2.0);
    row(out, "submit p99 <= 3.0x durable floor", ratio(p99OverFloor), p99OverFloor <= 3.0);
    row(
        out,
        "replay >= 200k events/s (cold-start recovery)",
        String.format(Locale.ROOT, "%,.0f/s", replay.recoveryEventsPerSecond()),
        replay.recoveryEventsPerSecond() >= 200_000);
    row(out, "CLI `cairn list` median <= 0.35 s", millis(cli.cli()), cli.cli() <= 350_000_000L);
    CatchUpBench.Result catchUp = replay.catchUp();
    row(
        out,
        "catch-up >= 200k events/s (Java client)",
        rate(catchUp.javaBatched()),
        catchUp.javaBatched() >= 200_000);
    row(
        out,
        "catch-up >= 100k events/s (Python client)",
        rate(catchUp.python()),
        catchUp.python() >= 100_000);
    row(out, "catch-up >= 100k events/s (Go client)", rate(catchUp.go()), catchUp.go() >= 100_000);
    // The JVM that restarts is the server's: its start on an empty store (to ready, which
    // includes no step) is the base that recovery may add 100 ms to. The start of a bare JVM is
    // printed beside it, for the reader who takes "JVM start" literally.
    long recoveryBudget = recovery.emptyServerStartNanos() + 100_000_000L;
    row(
        out,
        "recovery <= JVM start + 100 ms: server JVM on an empty store "
            + millis(recovery.emptyServerStartNanos())
            + " + 100 ms (a bare JVM: "
            + millis(recovery.jvmStartNanos())
            + ")",
        millis(recovery.toFirstStepNanos()),
        recovery.toFirstStepNanos() <= recoveryBudget);
    row(
        out,
        "peak RSS <= 300 MB (fan-out)",
        fanOut.peakRssBytes() / MB + " MB",
        fanOut.peakRssBytes() <= 300 * MB);
    return out.toString();
  }

  /** The CLI start section: `cairn list` and the Python client's same call, alternated. */
  static String cliStart(CliStartBench.Result result) {
    StringBuilder out = new StringBuilder();
    out.append("## CLI start\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "`%s list` against a local server, alternated with the Python client's same call"
                + " (`Client().list()` in a new interpreter), %d samples each after one unmeasured"
                + " round; wall time from process start to exit, medians.%n%n",
            result.launcher(),
            result.samples()));
    out.append("| client | `list` median |\n|---|---:|\n");
    out.append("| cairn CLI | ").append(millis(result.cli())).append(" |\n");
    out.append("| Python client | ")
        .append(result.python() < 0 ? "not measured: no clients/.venv" : millis(result.python()))
        .append(" |\n");
    return out.toString();
  }

  /** The catch-up section: each client reading the stored history of the replay store. */
  static String catchUp(CatchUpBench.Result result) {
    StringBuilder out = new StringBuilder();
    out.append("## Catch-up\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Each client reads the replay store's %,d events with WatchEvents (from global seq 0, no"
                + " follow), checking that they are whole and in order; the clients take turns,"
                + " and each figure is the median of %d rounds. The clients ask for batches"
                + " (max_batch 1024); the last row is the Java client asking one event per"
                + " message, as clients did before batches.%n%n",
            result.events(),
            result.rounds()));
    out.append("| client | events/s |\n|---|---:|\n");
    out.append("| Java (grpc-java; its second read, the JIT warm) | ")
        .append(rate(result.javaBatched()))
        .append(" |\n");
    out.append("| Python (clients/python, Client.watch) | ")
        .append(missing(result.python(), result.pythonMissing()))
        .append(" |\n");
    out.append("| Go (clients/go, Client.Watch) | ")
        .append(missing(result.go(), result.goMissing()))
        .append(" |\n");
    out.append("| Java, one event per message | ").append(rate(result.javaSingle())).append(" |\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%nThe machine's load average over the last minute, when the rounds ended: %.1f (2"
                + " cores, shared with other work).%n",
            result.loadAverage()));
    return out.toString();
  }

  private static String rate(double eventsPerSecond) {
    return Double.isNaN(eventsPerSecond)
        ? "not measured"
        : String.format(Locale.ROOT, "%,.0f/s", eventsPerSecond);
  }

  private static String missing(double eventsPerSecond, String why) {
    return Double.isNaN(eventsPerSecond) ? "not measured: " + why : rate(eventsPerSecond);
  }

  /** The DAG section alone: the table and the time per step. */
  static String dagTable(List<DagBench.Result> dags) {
    StringBuilder out = new StringBuilder();
    out.append("## DAGs of `true`: Cairn against GNU make\n\n");
    out.append(
        "Medians of 7 measured pairs (1 with --quick), after 2 warm-up pairs (1 with --quick):"
            + " make and Cairn alternate, so both see the same machine, and Cairn/make is the"
            + " median of the pairs' ratios. Cairn wall: from the SubmitRun"
            + " call to the terminal event on WatchEvents. Commits and events: deltas of GetServerStats"
            + " over the run. Peak RSS: the server's VmHWM after the workload.\n\n");
    out.append("| workload | make | Cairn | Cairn/make | events/s | commits/step | peak RSS |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (DagBench.Result result : dags) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.2f | %,.0f | %.3f | %d MB |%n",
              result.dag().name(),
              millis(result.makeNanos()),
              millis(result.cairnNanos()),
              result.ratio(),
              result.eventsPerSecond(),
              result.commitsPerStep(),
              result.peakRssBytes() / MB));
    }
    out.append('\n');
    for (DagBench.Result result : dags) {
      out.append(
          String.format(
              Locale.ROOT,
              "- %s: make %.3f ms/step, Cairn %.3f ms/step%n",
              result.dag().name(),
              result.makeNanos() / 1e6 / result.dag().size(),
              result.cairnNanos() / 1e6 / result.dag().size()));
    }
    out.append(
        "\nCPU per step (ms, from /proc in 10 ms ticks, medians): the whole machine's busy time"
            + " during the run; for Cairn, the server's JVM, the launcher with the steps it reaped,"
            + " and the client (this harness, decoding the event stream). The rest is the kernel"
            + " outside any of them and other processes.\n\n");
    out.append(
        "| workload | make machine | Cairn machine | server | launcher + steps | client |\n");
    out.append("|---|---:|---:|---:|---:|---:|\n");
    for (DagBench.Result result : dags) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
              result.dag().name(),
              result.makeCpu().machine(),
              result.cairnCpu().machine(),
              result.cairnCpu().server(),
              result.cairnCpu().launcher(),
              result.cairnCpu().client()));
    }

    return out.toString();
  }

  private static void row(StringBuilder out, String target, String measured, boolean met) {
    out.append("| ")
        .append(target)
        .append(" | ")
        .append(measured)
        .append(" | ")
        .append(met ? "yes" : "no")
        .append(" |\n");
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** "p50 …, p90 …, p99 …, max …" of one latency measurement. */
  static String latencies(SubmitLatencyBench.Latencies l) {
    return String.format(
        Locale.ROOT,
        "p50 %s, p90 %s, p99 %s, max %s",
        millis(l.p50()),
        millis(l.p90()),
        millis(l.p99()),
        millis(l.max()));
  }

  static String millis(long nanos) {
    double ms = nanos / 1e6;
    return String.format(Locale.ROOT, ms < 10 ? "%.3f ms" : ms < 1000 ? "%.1f ms" : "%,.0f ms", ms);
  }
}
