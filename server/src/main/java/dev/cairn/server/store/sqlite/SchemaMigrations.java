package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * Brings a database to the current schema, one {@code PRAGMA user_version} step at a time.
 *
 * <p>Step N is the resource {@code db/migration/VN__*.sql}; it runs in its own transaction together
 * with setting user_version to N, so a crash leaves the database at a whole step.
 */
final class SchemaMigrations {

  /** The steps in order; the position in this list (from 1) is the schema version. */
  static final List<String> STEPS =
      List.of(
          "V1__events.sql",
          "V2__runs.sql",
          "V3__checksums.sql",
          "V4__reruns.sql",
          "V5__run_removal.sql",
          "V6__schedules.sql",
          "V7__runs_keyed_by_submit_seq.sql");

  private static final String LOCATION = "/db/migration/";

  private SchemaMigrations() {}

  /** The schema version this code writes and reads. */
  static int latestVersion() {
    return STEPS.size();
  }

  /** Applies every step above the database's user_version, in order. */
  static void migrate(Handle writer, String databaseName) {
    int current = writer.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
    if (current > latestVersion()) {
      throw new StoreException(
          "the event store "
              + databaseName
              + " has schema version "
              + current
              + ", newer than the "
              + latestVersion()
              + " this server knows; use a newer server");
    }
    if (current == 0) {
      // Before the first table: a new file gives the pages of removed runs back to the file system
      // bit by bit (PRAGMA incremental_vacuum). The file is already in WAL mode, where the setting
      // takes effect only through a VACUUM, which costs nothing while the file is empty.
      writer.execute("PRAGMA auto_vacuum = INCREMENTAL");
      writer.execute("VACUUM");
    }
    for (int version = current + 1; version <= latestVersion(); version++) {
      apply(writer, version, STEPS.get(version - 1));
    }
  }

  private static void apply(Handle writer, int version, String step) {
    if (!step.startsWith("V" + version + "__")) {
      throw new IllegalStateException("migration " + step + " is listed as version " + version);
    }
    String script = load(step);
    try {
      writer.execute("BEGIN IMMEDIATE");
      // A plain JDBC statement runs every statement of the script (sqlite3_exec), including the
      // semicolons inside trigger bodies, which a statement splitter would cut apart.
      try (Statement statement = writer.getConnection().createStatement()) {
        statement.executeUpdate(script);
        statement.executeUpdate("PRAGMA user_version = " + version);
      }
      writer.execute("COMMIT");
    } catch (SQLException | JdbiException e) {
      rollbackQuietly(writer);
      throw new StoreException("schema migration " + step + " failed: " + e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Handle writer) {
    try {
      writer.execute("ROLLBACK");
    } catch (JdbiException ignored) {
      // SQLite may already have rolled back; the migration error is the one worth reporting.
    }
  }

  private static String load(String step) {
    try (InputStream in = SchemaMigrations.class.getResourceAsStream(LOCATION + step)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + LOCATION + step);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration resource " + LOCATION + step, e);
    }
  }
}
