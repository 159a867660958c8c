package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A database of its own on the PostgreSQL server the tests are given (CAIRN_TEST_POSTGRES_URL,
 * which bin/test starts), dropped on close; a test without such a server is skipped, saying so.
 */
final class TestDatabase implements AutoCloseable {
  private final String adminUrl;
  private final String name;
  private final String storeUrl;

  private TestDatabase(String adminUrl, String name, String storeUrl) {
    this.adminUrl = adminUrl;
    this.name = name;
    this.storeUrl = storeUrl;
  }

  static TestDatabase createOrSkip() throws SQLException {
    String adminUrl = System.getenv("CAIRN_TEST_POSTGRES_URL");
    assumeTrue(
        adminUrl != null && !adminUrl.isBlank(),
        "no PostgreSQL server for the tests: set CAIRN_TEST_POSTGRES_URL to"
            + " postgresql://USER:PASSWORD@HOST:PORT/DATABASE (bin/test starts one)");
    String name = "cairn_it_" + UUID.randomUUID().toString().replace("-", "");
    execute(adminUrl, "CREATE DATABASE " + name);
    URI admin = URI.create(adminUrl);
    return new TestDatabase(
        adminUrl,
        name,
        "postgresql://"
            + admin.getRawUserInfo()
            + "@"
            + admin.getRawAuthority().split("@")[1]
            + "/"
            + name);
  }

  /** The cairn.store URL of this database. */
  String storeUrl() {
    return storeUrl;
  }

  /** The first column of the query's first row, or null when it has none. */
  String string(String query) throws SQLException {
    try (Connection connection = connect(storeUrl);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(query)) {
      return row.next() ? row.getString(1) : null;
    }
  }

  /** Polls the query until it gives a time after {@code after} (any time when null), 30 s. */
  Timestamp awaitTimestamp(String query, Timestamp after) throws SQLException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try (Connection connection = connect(storeUrl);
          Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery(query)) {
        if (row.next()) {
          Timestamp time = row.getTimestamp(1);
          if (time != null && (after == null || time.after(after))) {
            return time;
          }
        }
      }
      assertThat(Instant.now()).as("waited for " + query).isBefore(deadline);
      ServerProcess.pause(50);
    }
  }

  @Override
  public void close() throws SQLException {
    execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = connect(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static Connection connect(String url) throws SQLException {
    URI uri = URI.create(url);
    String[] userInfo = uri.getRawUserInfo().split(":", 2);
    return DriverManager.getConnection(
        "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
        userInfo[0],
        userInfo[1]);
  }
}
