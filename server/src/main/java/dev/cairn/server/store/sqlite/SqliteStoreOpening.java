package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.sqlite.SQLiteConfig;

/**
 * Opening a {@link SqliteEventStore}: the writer connection and its settings, the damage checks,
 * the schema migration, and the translation of what can go wrong into one message for an operator.
 */
final class SqliteStoreOpening {
  private SqliteStoreOpening() {}

  static SqliteEventStore open(Path databaseFile) {
    Path file = databaseFile.toAbsolutePath();
    Optional<String> mark = DamageMark.read(file);
    if (mark.isPresent()) {
      throw new StoreCorruptException(
          "the event store "
              + file
              + " was found damaged while in use ("
              + mark.get()
              + "); check it offline, which clears this mark when it checks clean");
    }
    long walBytes = size(file.resolveSibling(file.getFileName() + "-wal"));
    String url = "jdbc:sqlite:" + file;
    Connection connection;
    try {
      connection = writerConfig().createConnection(url);
      SqliteChecksumFunctions.register(connection);
    } catch (SQLException e) {
      throw openFailure(file, e);
    }
    Handle writer;
    try {
      writer = Jdbi.create(() -> connection).open();
    } catch (JdbiException e) {
      closeQuietly(connection);
      throw openFailure(file, e);
    }
    try {
      SqlitePragmas.readFrom(writer).requireInForce();
      requireUndamaged(file, SqliteStoreCheck.beforeMigration(writer));
      SchemaMigrations.migrate(writer, file.toString());
      requireUndamaged(file, SqliteStoreCheck.afterMigration(writer));
      // Fold whatever the write-ahead log holds after a crash (its longest valid prefix) into the
      // database file now, on the read-write connection, so that the read-only connections opened
      // next never depend on recovering a log they may not write to.
      writer.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (JdbiException e) {
      writer.close();
      throw openFailure(file, e);
    } catch (StoreException e) {
      writer.close();
      if (!(e instanceof StoreCorruptException) && SqliteErrors.isCorrupt(e)) {
        throw new StoreCorruptException(
            "the event store " + file + " is damaged: " + e.getMessage(), e);
      }
      throw e;
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
    return new SqliteEventStore(file, walBytes, writer, new SqliteReadConnections(url));
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return -1;
    }
  }

  private static StoreException openFailure(Path file, Exception e) {
    if (SqliteErrors.isCorrupt(e)) {
      return new StoreCorruptException(
          "the event store " + file + " is damaged or not a database: " + SqliteErrors.oneLine(e),
          e);
    }
    return new StoreException(
        "cannot open the event store " + file + ": " + SqliteErrors.oneLine(e), e);
  }

  private static void requireUndamaged(Path file, List<String> damage) {
    if (!damage.isEmpty()) {
      throw new StoreCorruptException(
          "the event store " + file + " is damaged: " + String.join("; ", damage));
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Opening already failed; that failure is the one to report.
    }
  }

  private static SQLiteConfig writerConfig() {
    // Each setting becomes its own PRAGMA statement at connect time; a multi-statement init
    // string would silently apply only its first pragma.
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(SqlitePragmas.BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    // Nothing reads generated keys (the store numbers events itself); left on, the driver would
    // prepare and run a SELECT last_insert_rowid() after every INSERT of an append.
    config.setGetGeneratedKeys(false);
    return config;
  }
}
