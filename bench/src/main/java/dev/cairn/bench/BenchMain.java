package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The benchmark harness: make and Cairn on the same DAGs of {@code true}, then submit latency,
 * replay and crash recovery. Prints a Markdown report, and writes it to a file when asked.
 *
 * <p>Usage: {@code BenchMain [--quick] [--results FILE]}, with the system property {@code
 * cairn.bench.root} naming the source tree (bin/cairn and the built jars).
 */
public final class BenchMain {
  /** The server-wide cap, and the parallelism of the parallel workloads. */
  static final int PARALLELISM = 8;

  // Held so that the logger, and with it the level, is not collected.
  private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean dagsOnly = false;
    boolean startsOnly = false;
    boolean catchUpOnly = false;
    boolean cliOnly = false;
    boolean clusterOnly = false;
    int samples = 5;
    String loop = null;
    Path results = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--dags-only" -> dagsOnly = true;
        case "--starts-only" -> startsOnly = true;
        case "--catchup-only" -> catchUpOnly = true;
        case "--cli-only" -> cliOnly = true;
        case "--cluster-only" -> clusterOnly = true;
        case "--samples" -> samples = positive(args, ++i);
        case "--loop" -> loop = ++i < args.length ? args[i] : "";
        case "--results" -> results = Path.of(args[++i]);
        default -> {
          System.err.println(
              "usage: bench/run [--quick] [--dags-only] [--starts-only [--samples N]]"
                  + " [--catchup-only] [--cli-only] [--cluster-only] [--loop"
                  + " chain|fan-out|layers --samples N] [--results FILE]");
          System.exit(2);
        }
      }
    }
    Path root = Path.of(System.getProperty("cairn.bench.root", ".")).toAbsolutePath().normalize();
    BenchSizes sizes = quick ? BenchSizes.quick() : BenchSizes.full();
    GRPC_LOGGER.setLevel(Level.WARNING);
    Path workDir = Files.createTempDirectory("cairn-bench-");
    int exitCode = 0;
    try {
      String report;
      if (loop != null) {
        report = loop(root, workDir, sizes, loop, samples);
      } else if (dagsOnly) {
        report = Report.dagTable(measureDags(root, workDir, sizes));
      } else if (clusterOnly) {
        report = ClusterBench.markdown(ClusterBench.run(root, workDir, sizes, postgresUrl()));
      } else if (cliOnly) {
        report = Report.cliStart(CliStartBench.run(root, workDir, sizes.cliSamples()));
      } else if (catchUpOnly) {
        report =
            Report.catchUp(
                ReplayBench.catchUpOnly(
                    root,
                    workDir,
                    sizes.replayEvents(),
                    sizes.replayStepsPerRun(),
                    sizes.catchUpRounds()));
      } else if (startsOnly) {
        report = measureStarts(root, workDir, sizes, samples);
      } else {
        report = measure(root, workDir, sizes, quick);
      }
      System.out.println(report);
      if (results != null) {
        Files.writeString(results, report + "\n" + retentionSoak(root));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      exitCode = 1;
    } finally {
      if (System.getenv("CAIRN_BENCH_KEEP") == null) {
        deleteTree(workDir);
      } else {
        progress("kept the work directory (server logs, stores): " + workDir);
      }
    }
    System.exit(exitCode);
  }

  private static String measure(Path root, Path workDir, BenchSizes sizes, boolean quick)
      throws IOException, InterruptedException {
    MachineInfo machine = MachineInfo.probe(workDir);
    progress("fsync floor");
    FsyncProbe.Result fsync = FsyncProbe.run(workDir.resolve("fsync"), quick ? 50 : 500);
    List<DagBench.Result> dagResults = measureDags(root, workDir, sizes);
    progress("starts: JVM alone and a server on an empty store");
    long jvmStart = StartTimes.jvm(root, sizes.startSamples());
    long emptyStart = StartTimes.emptyServer(root, workDir.resolve("starts"), sizes.startSamples());
    progress("submit latency");
    SubmitLatencyBench.Result submit =
        SubmitLatencyBench.run(root, workDir.resolve("submit"), sizes.submits(), PARALLELISM);
    progress("CLI start");
    CliStartBench.Result cli = CliStartBench.run(root, workDir.resolve("cli"), sizes.cliSamples());
    progress("replay");
    ReplayBench.Result replay =
        ReplayBench.run(
            root,
            workDir.resolve("replay"),
            sizes.replayEvents(),
            sizes.replayStepsPerRun(),
            emptyStart,
            sizes.catchUpRounds());
    // The median of as many crashes as start samples: one start on this shared VM varies by a
    // tenth or more.
    List<RecoveryBench.Result> recoveries = new ArrayList<>();
    for (int i = 0; i < sizes.startSamples(); i++) {
      progress("recovery after kill -9, sample " + (i + 1) + " of " + sizes.startSamples());
      recoveries.add(
          RecoveryBench.run(
              root, workDir.resolve("recovery" + i), sizes.recoverySteps(), jvmStart, emptyStart));
    }
    recoveries.sort(Comparator.comparingLong(RecoveryBench.Result::toFirstStepNanos));
    RecoveryBench.Result recovery = recoveries.get(recoveries.size() / 2);
    progress("cluster");
    ClusterBench.Result cluster =
        ClusterBench.run(root, workDir.resolve("cluster"), sizes, postgresUrl());
    return new Report(
                LocalDate.now(ZoneOffset.UTC),
                quick,
                machine,
                fsync,
                dagResults,
                submit,
                replay,
                recovery,
                cli)
            .markdown()
        + "\n"
        + ClusterBench.markdown(cluster);
  }

  /** The PostgreSQL server the cluster rows create their databases on, if one is given. */
  private static String postgresUrl() {
    String url = System.getenv("CAIRN_BENCH_POSTGRES_URL");
    return url != null && !url.isBlank() ? url : System.getenv("CAIRN_TEST_POSTGRES_URL");
  }

  // Only the start figures, each a median of several samples: the quick loop for work on start
  // time.
  private static String measureStarts(Path root, Path workDir, BenchSizes sizes, int samples)
      throws IOException, InterruptedException {
    progress("starts: JVM alone and a server on an empty store, " + samples + " samples each");
    long jvmStart = StartTimes.jvm(root, samples);
    StartTimes.Samples emptyStart =
        StartTimes.emptyServerSamples(root, workDir.resolve("starts"), samples);
    List<Long> ready = new ArrayList<>();
    List<Long> firstStep = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      progress("recovery after kill -9, sample " + (i + 1) + " of " + samples);
      RecoveryBench.Result recovery =
          RecoveryBench.run(
              root,
              workDir.resolve("recovery" + i),
              sizes.recoverySteps(),
              jvmStart,
              emptyStart.median());
      ready.add(recovery.toReadyNanos());
      firstStep.add(recovery.toFirstStepNanos());
    }
    return String.format(
        Locale.ROOT,
        "Starts, medians of %d samples: empty JVM %s; server on an empty store to ready %s;"
            + " after kill -9 in a %,d-step chain, to ready %s and to the first StepStarted"
            + " %s.%nSamples (ms): empty store %s; recovery to ready %s; to first step %s.",
        samples,
        Report.millis(jvmStart),
        Report.millis(emptyStart.median()),
        sizes.recoverySteps(),
        Report.millis(DagBench.median(ready)),
        Report.millis(DagBench.median(firstStep)),
        asMillis(emptyStart.samples()),
        asMillis(ready),
        asMillis(firstStep));
  }

  // One workload on one server, run after run, for a profiler attached from outside (perf, async
  // profiler): prints the server's pid first, then each run's wall time.
  private static String loop(Path root, Path workDir, BenchSizes sizes, String name, int runs)
      throws IOException, InterruptedException {
    Dag dag =
        switch (name) {
          case "chain" -> Dag.chain(sizes.chain());
          case "fan-out" -> Dag.fanOut(sizes.fanOut(), PARALLELISM);
          case "layers" -> Dag.layers(sizes.layers(), sizes.layerWidth(), PARALLELISM);
          case "submit" -> null;
          default ->
              throw new IllegalArgumentException("--loop takes chain, fan-out, layers or submit");
        };
    if (dag == null) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < runs; i++) {
        SubmitLatencyBench.Result submit =
            SubmitLatencyBench.run(
                root, workDir.resolve("submit" + i), sizes.submits(), PARALLELISM);
        out.append(
            String.format(
                Locale.ROOT,
                "submit: %s%n  queued (no step runs): %s%n  floor: %s%n  GetServerStats: %s%n",
                Report.latencies(submit.cairn()),
                Report.latencies(submit.queued()),
                Report.latencies(submit.floor()),
                Report.latencies(submit.ping())));
      }
      return out.toString();
    }
    List<Long> walls = new ArrayList<>();
    try (CairnServerProcess server =
        CairnServerProcess.start(root, workDir.resolve("loop"), PARALLELISM)) {
      progress("server pid " + server.pid());
      for (int i = 0; i < runs; i++) {
        RunTimer.Timed timed = RunTimer.run(server, dag.spec());
        walls.add(timed.nanos());
        progress(dag.name() + " run " + (i + 1) + ": " + Report.millis(timed.nanos()));
      }
    }
    return dag.name() + ": " + runs + " runs, median " + Report.millis(DagBench.median(walls));
  }

  /**
   * The last retention soak's section (bench/soak-retention writes it; it takes ten minutes, so a
   * full run carries the latest one over rather than running it again), or nothing.
   */
  private static String retentionSoak(Path root) throws IOException {
    Path soak = root.resolve("bench").resolve("retention-soak.md");
    return Files.isRegularFile(soak) ? "\n" + Files.readString(soak) : "";
  }

  private static String asMillis(List<Long> nanos) {
    return nanos.stream()
        .map(n -> Long.toString(Math.round(n / 1e6)))
        .collect(Collectors.joining(", "));
  }

  private static List<DagBench.Result> measureDags(Path root, Path workDir, BenchSizes sizes)
      throws IOException, InterruptedException {
    List<Dag> dags =
        List.of(
            Dag.chain(sizes.chain()),
            Dag.fanOut(sizes.fanOut(), PARALLELISM),
            Dag.layers(sizes.layers(), sizes.layerWidth(), PARALLELISM));
    List<DagBench.Result> results = new ArrayList<>();
    for (int i = 0; i < dags.size(); i++) {
      progress("workload " + dags.get(i).name());
      results.add(
          DagBench.run(
              root,
              workDir.resolve("dag" + i),
              dags.get(i),
              PARALLELISM,
              sizes.warmUps(),
              sizes.repeats()));
    }
    return results;
  }

  private static int positive(String[] args, int index) {
    try {
      int value = Integer.parseInt(index < args.length ? args[index] : "");
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // Reported below, like a value out of range.
    }
    System.err.println("bench: --samples needs a positive whole number");
    System.exit(2);
    return 0;
  }

  static void progress(String what) {
    System.err.println("bench: " + what);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
