package dev.cairn.server.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.ConnectionFactory;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connections to the store's database: the driver's data source, and for reads a small set of idle
 * connections kept open between reads, because opening one costs a round trip and an
 * authentication, more than the small reads the server does for every GetRun and WatchEvents
 * catch-up. A connection the driver found broken is closed, never handed out again.
 */
final class PostgresConnections implements ConnectionFactory, AutoCloseable {

  static final int MAX_IDLE = 8;

  private final PGSimpleDataSource source;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile boolean closed;

  PostgresConnections(PostgresAddress address) {
    source = new PGSimpleDataSource();
    source.setURL(address.jdbcUrl());
    if (address.user() != null) {
      source.setUser(address.user());
    }
    if (address.password() != null) {
      source.setPassword(address.password());
    }
    if (!address.jdbcUrl().contains("ApplicationName=")) {
      // Lets an operator tell Cairn's sessions apart in pg_stat_activity.
      source.setApplicationName("cairn");
    }
    // The driver's default connect timeout (10 s) bounds a connection attempt to a dead server.
    source.setTcpKeepAlive(true);
    // Many events of one append go to the server as one multi-row INSERT.
    source.setReWriteBatchedInserts(true);
  }

  /** The driver's data source, for the migration tool. */
  PGSimpleDataSource dataSource() {
    return source;
  }

  /** A new connection of its own, not from the idle set, for the writer. */
  Connection openDedicated() throws SQLException {
    if (closed) {
      throw new SQLException("the event store is closed");
    }
    return source.getConnection();
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
    return source.getConnection();
  }

  @Override
  public void closeConnection(Connection connection) throws SQLException {
    // The driver marks a connection closed once its socket failed.
    if (closed || connection.isClosed() || !connection.getAutoCommit()) {
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

  /**
   * Closes every idle connection: after a failed read they may all be broken (the database server
   * restarted, or ended the sessions), and the driver notices that only when one is used.
   */
  void dropIdle() {
    Connection connection;
    while ((connection = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      try {
        connection.close();
      } catch (SQLException ignored) {
        // A broken connection has nothing left to release.
      }
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
        // An idle connection holds no transaction; failing to close it loses nothing.
      }
    }
  }
}
