package dev.cairn.server.store.postgres;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.server.store.StoreUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Databases for tests, each new and empty, on the PostgreSQL server that {@code bin/test} starts
 * (scripts/postgres-test-server.sh) and names in {@value #PROPERTY} or {@value #ENV}. Without it
 * the tests that need one are skipped, saying why; CI always gives it.
 */
public final class PostgresTestDatabases implements AutoCloseable {
  /** The system property naming the server, as a store URL of a database to connect to. */
  public static final String PROPERTY = "cairn.test.postgres";

  /** The environment variable naming it when the property is not set. */
  public static final String ENV = "CAIRN_TEST_POSTGRES_URL";

  private static final String NO_SERVER =
      "skipped: no PostgreSQL server for the tests; set -D"
          + PROPERTY
          + " or "
          + ENV
          + " to postgresql://USER:PASSWORD@HOST:PORT/DATABASE (bin/test starts one)";

  private final String adminUrl;
  private final List<String> created = new ArrayList<>();

  private PostgresTestDatabases(String adminUrl) {
    this.adminUrl = adminUrl;
  }

  /** The server's URL, or null when none is given. */
  public static String serverUrl() {
    String url = System.getProperty(PROPERTY);
    if (url == null || url.isBlank()) {
      url = System.getenv(ENV);
    }
    return url == null || url.isBlank() ? null : url.trim();
  }

  /** The databases of the given server, or null when none is given (see {@link #assumeGiven}). */
  public static PostgresTestDatabases ifGiven() {
    String url = serverUrl();
    if (url == null) {
      // Said on the console too: the reason of a skip is otherwise only in the test reports.
      System.err.println(NO_SERVER);
      return null;
    }
    return new PostgresTestDatabases(url);
  }

  /**
   * Skips the calling test, saying why, when no server is given: each test shows as skipped with
   * this message rather than the class vanishing from the count.
   */
  public static void assumeGiven(PostgresTestDatabases databases) {
    assumeTrue(databases != null, NO_SERVER);
  }

  /** Creates an empty database and returns its store URL. */
  public String create() {
    String name = "cairn_test_" + UUID.randomUUID().toString().replace("-", "");
    execute(adminUrl, "CREATE DATABASE " + name);
    created.add(name);
    return withDatabase(adminUrl, name);
  }

  /** A plain JDBC connection to the database a store URL names, bypassing every store. */
  public static Connection connect(String storeUrl) throws SQLException {
    PostgresAddress address = PostgresAddress.of(StoreUrl.parse(storeUrl));
    Properties properties = new Properties();
    if (address.user() != null) {
      properties.setProperty("user", address.user());
    }
    if (address.password() != null) {
      properties.setProperty("password", address.password());
    }
    return DriverManager.getConnection(address.jdbcUrl(), properties);
  }

  /** Runs one statement on the database a store URL names. */
  public static void execute(String storeUrl, String sql) {
    try (Connection connection = connect(storeUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Drops every database this made, closing the sessions still on them. */
  @Override
  public void close() {
    for (String name : created) {
      execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
    created.clear();
  }

  private static String withDatabase(String url, String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String parameters = query < 0 ? "" : url.substring(query);
    int slash = base.indexOf('/', "postgresql://".length());
    return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + parameters;
  }
}
