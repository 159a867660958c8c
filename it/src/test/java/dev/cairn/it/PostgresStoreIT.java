package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.Event;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.SubmitRunRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server on PostgreSQL ({@code cairn.store=postgresql://...}): it runs an example
 * workflow to the end, and after a restart reads the run back from the database. Needs the server
 * bin/test starts (CAIRN_TEST_POSTGRES_URL); skipped, saying so, without one.
 */
class PostgresStoreIT {
  private static final Path REPO = Path.of(System.getProperty("cairn.repo"));

  @TempDir Path dataDir;
  private String adminUrl;
  private String database;
  private String storeUrl;

  @BeforeEach
  void createADatabase() throws SQLException {
    adminUrl = System.getenv("CAIRN_TEST_POSTGRES_URL");
    assumeTrue(
        adminUrl != null && !adminUrl.isBlank(),
        "no PostgreSQL server for the tests: set CAIRN_TEST_POSTGRES_URL to"
            + " postgresql://USER:PASSWORD@HOST:PORT/DATABASE (bin/test starts one)");
    database = "cairn_it_" + UUID.randomUUID().toString().replace("-", "");
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

  @AfterEach
  void dropTheDatabase() throws SQLException {
    if (database != null) {
      execute(adminUrl, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Test
  void anExampleRunsToTheEndAndARestartedServerReadsItBack() throws Exception {
    Path example = REPO.resolve("examples/hello.yaml");
    String runId;
    Run finished;
    List<Event> history;
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.store=" + storeUrl)) {
      runId =
          server
              .stub()
              .submitRun(
                  SubmitRunRequest.newBuilder()
                      .setWorkflowYaml(Files.readString(example))
                      .setBaseDir(example.getParent().toString())
                      .build())
              .getRunId();
      Runs runs = new Runs(server);
      history = runs.follow(runId);
      finished = runs.get(runId);
      assertThat(finished.getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
      assertThat(history.get(history.size() - 1).hasRunSucceeded()).isTrue();
      History.assertGapFree(runs.all());
      assertThat(server.logText())
          .contains("event store postgresql:")
          .doesNotContain(URI.create(adminUrl).getRawUserInfo().split(":")[1]);
    }
    // The events are in the database, not in a file of the data directory.
    assertThat(Files.exists(dataDir.resolve("cairn.db"))).isFalse();
    assertThat(queryLong("SELECT count(*) FROM events WHERE run_id = '" + runId + "'"))
        .isEqualTo(history.size());

    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.store=" + storeUrl)) {
      Runs runs = new Runs(server);
      assertThat(runs.get(runId)).isEqualTo(finished);
      assertThat(runs.follow(runId)).containsExactlyElementsOf(history);
    }
  }

  @Test
  void aScheduleFiresOnceATimeAndARestartedServerGoesOnWithIt() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.store=" + storeUrl)) {
      Runs runs = new Runs(server);
      ScheduleIT.createEverySecond(server, "pg-beat");
      ScheduleIT.await(
          "two runs", Duration.ofSeconds(10), () -> ScheduleIT.runCount(runs, "pg-beat") >= 2);
      server.kill9();
      server.relaunch();
      int before = ScheduleIT.runCount(runs, "pg-beat");
      ScheduleIT.await(
          "a run after the restart",
          Duration.ofSeconds(15),
          () -> ScheduleIT.runCount(runs, "pg-beat") > before);
      assertThat(ScheduleIT.runsByNominalTime(runs, "pg-beat").values()).containsOnly(1);
    }
    assertThat(queryLong("SELECT count(*) FROM schedule_events WHERE schedule_id = 'pg-beat'"))
        .isGreaterThan(2);
  }

  private long queryLong(String sql) throws SQLException {
    try (Connection connection = connect(storeUrl);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = connect(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** A JDBC connection to the database a postgresql://USER:PASSWORD@HOST:PORT/DB URL names. */
  private static Connection connect(String url) throws SQLException {
    URI uri = URI.create(url);
    String[] userInfo = uri.getRawUserInfo().split(":", 2);
    return DriverManager.getConnection(
        "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
        userInfo[0],
        userInfo[1]);
  }
}
