package dev.cairn.bench;

import dev.cairn.v1.Event;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster rows: the fan-out workload on one node and on three nodes of one PostgreSQL, and the
 * chain on SQLite against PostgreSQL. Each configuration gets fresh servers (and a fresh database),
 * one warm-up round, then the measured rounds; medians are reported.
 *
 * <p>A node owns the runs submitted to it, so one run cannot be spread over nodes: the fan-out is
 * split into three runs of a third of the steps each, submitted round-robin to the nodes (all to
 * the one node in the one-node row), and its time runs from the first submit to the last terminal
 * event on the first node. The cross-node watch lag is how much later a run's terminal event
 * reaches a watcher on the first node than a watcher on the node that owns the run: the
 * notification, the read of the log and the publish, on top of what a watcher of the owner waits.
 */
final class ClusterBench {
  private static final int RUNS = 3;

  private ClusterBench() {}

  /** One configuration's medians. */
  record Row(String what, String store, int nodes, int steps, long wallNanos, long watchNanos) {}

  /** The rows, or empty with the reason when no PostgreSQL is given. */
  record Result(List<Row> rows, String skipped) {}

  static Result run(Path root, Path workDir, BenchSizes sizes, String adminUrl)
      throws IOException, InterruptedException {
    if (adminUrl == null || adminUrl.isBlank()) {
      return new Result(
          List.of(),
          "no PostgreSQL: set CAIRN_BENCH_POSTGRES_URL (or CAIRN_TEST_POSTGRES_URL) to"
              + " postgresql://USER:PASSWORD@HOST:PORT/DB");
    }
    int repeats = Math.max(1, sizes.repeats());
    List<Row> rows = new ArrayList<>();
    Dag third = Dag.fanOut(Math.max(1, sizes.fanOut() / RUNS), BenchMain.PARALLELISM);
    BenchMain.progress("cluster: fan-out on one node of PostgreSQL");
    rows.add(measure(root, workDir.resolve("fan1"), adminUrl, 1, third, "fan-out", repeats));
    BenchMain.progress("cluster: fan-out on three nodes of one PostgreSQL");
    rows.add(measure(root, workDir.resolve("fan3"), adminUrl, 3, third, "fan-out", repeats));
    Dag chain = Dag.chain(sizes.chain());
    BenchMain.progress("cluster: chain on SQLite");
    rows.add(measure(root, workDir.resolve("chain-sqlite"), null, 1, chain, "chain", repeats));
    BenchMain.progress("cluster: chain on PostgreSQL");
    rows.add(measure(root, workDir.resolve("chain-pg"), adminUrl, 1, chain, "chain", repeats));
    return new Result(rows, "");
  }

  /** RUNS runs of the DAG (one for the chain) per round, round-robin over the nodes. */
  private static Row measure(
      Path root, Path workDir, String adminUrl, int nodes, Dag dag, String what, int repeats)
      throws IOException, InterruptedException {
    String database = null;
    List<String> more = new ArrayList<>();
    if (adminUrl != null) {
      database = "cairn_bench_" + UUID.randomUUID().toString().replace("-", "");
      execute(adminUrl, "CREATE DATABASE " + database);
      more.add("--store");
      more.add(databaseUrl(adminUrl, database));
    }
    int runs = what.equals("chain") ? 1 : RUNS;
    List<CairnServerProcess> servers = new ArrayList<>();
    try {
      String token = null;
      for (int i = 0; i < nodes; i++) {
        Path dataDir = workDir.resolve("node" + i);
        if (token != null) {
          // The nodes of one cluster share a token.
          Files.createDirectories(dataDir);
          Files.writeString(dataDir.resolve("token"), token);
          Files.setPosixFilePermissions(
              dataDir.resolve("token"),
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        servers.add(CairnServerProcess.start(root, dataDir, BenchMain.PARALLELISM, more));
        token = Files.readString(dataDir.resolve("token")).trim();
      }
      round(servers, dag, runs);
      List<Long> walls = new ArrayList<>();
      List<Long> watches = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        long[] timed = round(servers, dag, runs);
        walls.add(timed[0]);
        watches.add(timed[1]);
      }
      return new Row(
          what,
          adminUrl == null ? "SQLite" : "PostgreSQL",
          nodes,
          dag.size() * runs,
          DagBench.median(walls),
          DagBench.median(watches));
    } finally {
      for (CairnServerProcess server : servers) {
        server.close();
      }
      if (database != null) {
        try {
          execute(adminUrl, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (IOException e) {
          BenchMain.progress("could not drop " + database + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * Submits the runs round-robin, each followed at once on the first node and on the node that owns
   * it: the wall time from the first submit to the last terminal event on the first node, and the
   * largest lag of a terminal event on the first node behind its arrival on the owner's own watcher
   * (the cross-node watch; -1 when every run is the first node's).
   */
  private static long[] round(List<CairnServerProcess> servers, Dag dag, int runs)
      throws InterruptedException {
    WorkflowSpec spec = dag.spec();
    int watches = 0;
    for (int i = 0; i < runs; i++) {
      watches += i % servers.size() == 0 ? 1 : 2;
    }
    CountDownLatch ended = new CountDownLatch(watches);
    AtomicLong end = new AtomicLong();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Map<String, long[]> arrivals = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      int owner = i % servers.size();
      String runId =
          servers
              .get(owner)
              .runs()
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build())
              .getRunId();
      long[] arrival = new long[2];
      arrivals.put(runId, arrival);
      watch(servers.get(0), runId, arrival, 0, end, failures, ended);
      if (owner != 0) {
        watch(servers.get(owner), runId, arrival, 1, null, failures, ended);
      }
    }
    if (!ended.await(300, TimeUnit.SECONDS) || !failures.isEmpty()) {
      throw new IllegalStateException("the runs did not all succeed within 300 s: " + failures);
    }
    long lag = -1;
    for (long[] arrival : arrivals.values()) {
      if (arrival[1] != 0) {
        lag = Math.max(lag, Math.max(0, arrival[0] - arrival[1]));
      }
    }
    return new long[] {end.get() - start, lag};
  }

  /** Follows one run on one node and notes when its terminal event arrived, in arrival[slot]. */
  private static void watch(
      CairnServerProcess server,
      String runId,
      long[] arrival,
      int slot,
      AtomicLong end,
      List<Throwable> failures,
      CountDownLatch ended) {
    server
        .runsAsync()
        .withDeadlineAfter(300, TimeUnit.SECONDS)
        .watchEvents(
            WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build(),
            new StreamObserver<WatchEventsResponse>() {
              @Override
              public void onNext(WatchEventsResponse response) {
                Event event = response.getEvent();
                if (!RunTimer.isTerminal(event)) {
                  return;
                }
                long now = System.nanoTime();
                synchronized (arrival) {
                  arrival[slot] = now;
                }
                if (end != null) {
                  end.accumulateAndGet(now, Math::max);
                }
                if (!event.hasRunSucceeded()) {
                  failures.add(
                      new IllegalStateException(
                          "run " + runId + " ended " + event.getPayloadCase()));
                }
              }

              @Override
              public void onError(Throwable error) {
                failures.add(error);
                ended.countDown();
              }

              @Override
              public void onCompleted() {
                ended.countDown();
              }
            });
  }

  /** The Markdown table of the rows. */
  static String markdown(Result result) {
    StringBuilder out = new StringBuilder();
    out.append(
        "## Cluster: one node against three on one PostgreSQL, SQLite against PostgreSQL\n\n");
    if (!result.skipped().isEmpty()) {
      out.append("Skipped: ").append(result.skipped()).append(".\n");
      return out.toString();
    }
    out.append("| workload | store | nodes | steps | wall | steps/s | cross-node watch lag |\n");
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (Row row : result.rows()) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %,d | %s | %,.0f | %s |%n",
              row.what(),
              row.store(),
              row.nodes(),
              row.steps(),
              Report.millis(row.wallNanos()),
              row.steps() / (row.wallNanos() / 1e9),
              row.watchNanos() < 0 ? "-" : Report.millis(row.watchNanos())));
    }
    out.append(
        "\nThe fan-out is three runs of a third of the steps each (a run is owned by the node it"
            + " is submitted to), round-robin over the nodes; every node has --max-parallel "
            + BenchMain.PARALLELISM
            + ". Cross-node watch lag: the largest delay of a run's terminal event at a watcher on"
            + " the first node behind a watcher on the node that owns the run (- when they are"
            + " one node). All nodes and PostgreSQL share this machine's cores, so three nodes add"
            + " processes to schedule rather than capacity: the figures say what one database and"
            + " the coordination cost, not how a cluster of machines scales.\n");
    return out.toString();
  }

  private static String databaseUrl(String adminUrl, String database) {
    URI admin = URI.create(adminUrl);
    return "postgresql://"
        + admin.getRawUserInfo()
        + "@"
        + admin.getRawAuthority().split("@")[1]
        + "/"
        + database;
  }

  private static void execute(String url, String sql) throws IOException {
    URI uri = URI.create(url);
    String[] userInfo = uri.getRawUserInfo().split(":", 2);
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
                userInfo[0],
                userInfo[1]);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
