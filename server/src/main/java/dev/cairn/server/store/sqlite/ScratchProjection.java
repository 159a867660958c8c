package dev.cairn.server.store.sqlite;

import dev.cairn.v1.Event;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A runs projection in a private in-memory database, fed by the projection's own code: what the
 * offline check compares the stored rows with, so that "what the events imply" has one definition.
 */
final class ScratchProjection implements AutoCloseable {
  private final Handle handle;
  private final WriterStatements statements;

  private ScratchProjection(Handle handle) {
    this.handle = handle;
    this.statements = new WriterStatements(handle.getConnection());
  }

  static ScratchProjection open() throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:");
    SqliteChecksumFunctions.register(connection);
    Handle handle = Jdbi.create(() -> connection).open();
    SchemaMigrations.migrate(handle, "the scratch projection");
    return new ScratchProjection(handle);
  }

  /** Applies one run-level event, as an append would. */
  void apply(Event event) {
    RunsProjection.apply(statements, event);
  }

  /** The rows by run id, in submit order. */
  Map<String, StoredRows.RunRow> rows() {
    Map<String, StoredRows.RunRow> rows = new LinkedHashMap<>();
    handle
        .createQuery("SELECT " + StoredRows.RUN_COLUMNS + " FROM runs ORDER BY submit_seq")
        .map((row, ctx) -> StoredRows.run(row))
        .forEach(row -> rows.put(row.runId(), row));
    return rows;
  }

  @Override
  public void close() {
    statements.close();
    handle.close();
  }
}
