package dev.cairn.server.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.ConnectionFactory;
import org.sqlite.SQLiteConfig;

/**
 * Read-only connections to the store's database, kept open between reads.
 *
 * <p>Opening a SQLite connection parses the schema, which would dominate the cost of the small
 * reads the server does for every GetRun and WatchEvents catch-up, so idle connections are reused.
 * In WAL mode each of them reads a consistent snapshot while the writer commits.
 */
final class SqliteReadConnections implements ConnectionFactory, AutoCloseable {

  static final int MAX_IDLE = 8;

  private final String url;
  private final SQLiteConfig config;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile boolean closed;

  SqliteReadConnections(String url) {
    this.url = url;
    this.config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(SqlitePragmas.BUSY_TIMEOUT_MS);
  }

  @Override
  public Connection openConnection() throws SQLException {
    if (closed) {
      throw new SQLException("the event store is closed");
    }
    Connection connection = idle.pollFirst();
    if (connection != null) {
      idleCount.decrementAndGet();
      return connection;
    }
    return config.createConnection(url);
  }

  @Override
  public void closeConnection(Connection connection) throws SQLException {
    if (closed || connection.isClosed()) {
      connection.close();
      return;
    }
    if (idleCount.incrementAndGet() > MAX_IDLE) {
      idleCount.decrementAndGet();
      connection.close();
      return;
    }
    idle.offerFirst(connection);
    // close() may have drained the deque between the check above and the offer.
    if (closed && idle.remove(connection)) {
      connection.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection connection;
    while ((connection = idle.pollFirst()) != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // A read-only connection has nothing to flush; failing to close it loses nothing.
      }
    }
  }
}
