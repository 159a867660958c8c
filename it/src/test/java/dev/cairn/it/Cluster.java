package dev.cairn.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Three packaged servers, each with its own data directory, sharing one fresh PostgreSQL database:
 * a cluster on one machine. Needs the server bin/test starts (CAIRN_TEST_POSTGRES_URL); a test
 * using it is skipped, saying so, without one.
 */
final class Cluster implements AutoCloseable {
  static final List<String> NODE_IDS = List.of("node-a", "node-b", "node-c");

  private final String adminUrl;
  private final String database;
  private final String storeUrl;
  private final Path root;
  private final List<String> properties;
  private final ServerProcess[] nodes = new ServerProcess[NODE_IDS.size()];

  private Cluster(Path root, List<String> properties) throws SQLException {
    this.root = root;
    this.properties = List.copyOf(properties);
    adminUrl = System.getenv("CAIRN_TEST_POSTGRES_URL");
    assumeTrue(
        adminUrl != null && !adminUrl.isBlank(),
        "no PostgreSQL server for the tests: set CAIRN_TEST_POSTGRES_URL (bin/test starts one)");
    database = "cairn_cluster_" + UUID.randomUUID().toString().replace("-", "");
    execute(adminUrl, "CREATE DATABASE " + database);
    URI admin = URI.create(adminUrl);
    storeUrl =
        "postgresql://"
            + admin.getRawUserInfo()
            + "@"
            + admin.getRawAuthority().split("@")[1]
            + "/"
            + database;
  }

  /**
   * Starts the three nodes, one after the other (the first migrates the database).
   *
   * @param properties -D settings every node gets, such as a short lease time
   */
  static Cluster start(Path root, String... properties) throws SQLException {
    Cluster cluster = new Cluster(root, List.of(properties));
    try {
      for (int index = 0; index < cluster.nodes.length; index++) {
        cluster.launch(index);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts node {@code index} again, with the same data directory and node id. */
  void launch(int index) {
    List<String> all = new ArrayList<>(properties);
    // Each node's sessions are told apart in pg_stat_activity, so a test can cut one node off.
    all.add("-Dcairn.store=" + storeUrl + "?ApplicationName=cairn-" + NODE_IDS.get(index));
    all.add("-Dcairn.cluster.node-id=" + NODE_IDS.get(index));
    nodes[index] =
        ServerProcess.start(root.resolve(NODE_IDS.get(index)), all.toArray(String[]::new));
  }

  ServerProcess node(int index) {
    return nodes[index];
  }

  int size() {
    return nodes.length;
  }

  /** The run as a node reads it from the database. */
  Run get(int index, String runId) {
    return nodes[index]
        .stub()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getRun(GetRunRequest.newBuilder().setRunId(runId).build())
        .getRun();
  }

  /** Waits until every run is finished, asking node {@code index}; returns them. */
  List<Run> awaitFinished(int index, List<String> runIds, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    List<Run> runs = new ArrayList<>();
    for (String runId : runIds) {
      Run run = get(index, runId);
      while (!Runs.terminal(run)) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("run not finished within " + timeout + ": " + run);
        }
        ServerProcess.pause(50);
        run = get(index, runId);
      }
      runs.add(run);
    }
    return runs;
  }

  /** The run's events, read from the database itself, in order. */
  List<Event> events(String runId) throws SQLException {
    List<Event> events = new ArrayList<>();
    try (Connection connection = connect(storeUrl);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT payload FROM events WHERE run_id = ? ORDER BY run_seq")) {
      statement.setString(1, runId);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          events.add(Event.parseFrom(rows.getBytes(1)));
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    return events;
  }

  /** The process ids of the database sessions of node {@code index}. */
  List<Long> sessionsOf(int index) throws SQLException {
    List<Long> pids = new ArrayList<>();
    try (Connection connection = connect(adminUrl);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      statement.setString(1, "cairn-" + NODE_IDS.get(index));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          pids.add(rows.getLong(1));
        }
      }
    }
    return pids;
  }

  /** One number from the database. */
  long queryLong(String sql) throws SQLException {
    try (Connection connection = connect(storeUrl);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  /** Polls until the condition holds, or fails naming it. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + timeout);
      }
      ServerProcess.pause(20);
    }
  }

  static boolean succeeded(Run run) {
    return run.getStatus() == RunStatus.RUN_STATUS_SUCCEEDED;
  }

  @Override
  public void close() {
    for (ServerProcess node : nodes) {
      if (node != null) {
        try {
          // Kept for a look after a failure: the data directories go with the test.
          java.nio.file.Path logs = java.nio.file.Path.of("target", "cluster-logs");
          java.nio.file.Files.createDirectories(logs);
          java.nio.file.Files.writeString(
              logs.resolve(node.dataDir().getFileName() + ".log"), node.logText());
        } catch (java.io.IOException e) {
          // Only a convenience.
        }
        try {
          node.close();
        } catch (RuntimeException e) {
          // The others are stopped all the same.
        }
      }
    }
    try {
      execute(adminUrl, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (SQLException e) {
      // A database left behind is dropped with the test server.
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = connect(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** A JDBC connection to the database a postgresql://USER:PASSWORD@HOST:PORT/DB URL names. */
  static Connection connect(String url) throws SQLException {
    URI uri = URI.create(url);
    String[] userInfo = uri.getRawUserInfo().split(":", 2);
    return DriverManager.getConnection(
        "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
        userInfo[0],
        userInfo[1]);
  }
}
