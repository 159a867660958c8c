package dev.cairn.server.store;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statements of the append path, each prepared once for the life of the writer connection and
 * run through plain JDBC. An append runs on the engine's critical path, once per commit: preparing
 * each statement again (as a JDBI call does) cost more than running it.
 *
 * <p>Used only by the writer, under its lock. Every failure is a {@link StoreException} carrying
 * the {@link SQLException}, so that a full disk is still told from other failures.
 */
final class WriterStatements implements AutoCloseable {
  private static final String EVENT_COLUMNS = "global_seq, run_id, run_seq, type, time_us, payload";

  private final Connection connection;
  private final List<PreparedStatement> prepared = new ArrayList<>();
  private PreparedStatement begin;
  private PreparedStatement commit;
  private PreparedStatement rollback;
  private PreparedStatement insertEvent;
  private PreparedStatement lastRunSeq;
  private PreparedStatement runForRequest;
  private PreparedStatement insertRun;
  private PreparedStatement finishRun;
  private PreparedStatement cancelRequested;

  WriterStatements(Connection connection) {
    this.connection = connection;
  }

  void begin() {
    begin = execute(begin, "BEGIN IMMEDIATE");
  }

  void commit() {
    commit = execute(commit, "COMMIT");
  }

  void rollback() {
    rollback = execute(rollback, "ROLLBACK");
  }

  /** Inserts the sequenced events in one batch. */
  void insertEvents(List<Event> sequenced) {
    try {
      insertEvent =
          prepare(
              insertEvent, "INSERT INTO events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)");
      for (Event event : sequenced) {
        insertEvent.setLong(1, event.getGlobalSeq());
        insertEvent.setString(2, event.getRunId());
        insertEvent.setLong(3, event.getRunSeq());
        insertEvent.setString(4, event.getPayloadCase().name());
        insertEvent.setLong(5, EpochMicros.of(event.getTime()));
        insertEvent.setBytes(6, event.toByteArray());
        insertEvent.addBatch();
      }
      insertEvent.executeBatch();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The last stored run_seq of the run, 0 when it has none. */
  long lastRunSeq(String runId) {
    try {
      lastRunSeq =
          prepare(lastRunSeq, "SELECT COALESCE(MAX(run_seq), 0) FROM events WHERE run_id = ?");
      lastRunSeq.setString(1, runId);
      try (ResultSet row = lastRunSeq.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The run that used the request id, if any. */
  Optional<String> runForRequest(String requestId) {
    try {
      runForRequest = prepare(runForRequest, "SELECT run_id FROM runs WHERE request_id = ?");
      runForRequest.setString(1, requestId);
      try (ResultSet row = runForRequest.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The row of a run just submitted: RUNNING, in submit order. */
  void insertRun(Event submitted) {
    try {
      insertRun =
          prepare(
              insertRun,
              "INSERT INTO runs (run_id, name, status, create_time_us, end_time_us, request_id,"
                  + " submit_seq) VALUES (?, ?, ?, ?, NULL, ?, ?)");
      String requestId = submitted.getRunSubmitted().getRequestId();
      insertRun.setString(1, submitted.getRunId());
      insertRun.setString(2, submitted.getRunSubmitted().getSpec().getName());
      insertRun.setInt(3, RunStatus.RUN_STATUS_RUNNING_VALUE);
      insertRun.setLong(4, EpochMicros.of(submitted.getTime()));
      if (requestId.isEmpty()) {
        insertRun.setNull(5, Types.VARCHAR);
      } else {
        insertRun.setString(5, requestId);
      }
      insertRun.setLong(6, submitted.getGlobalSeq());
      insertRun.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A run's terminal status and end time. */
  void finishRun(Event ended, RunStatus status) {
    try {
      finishRun =
          prepare(finishRun, "UPDATE runs SET status = ?, end_time_us = ? WHERE run_id = ?");
      finishRun.setInt(1, status.getNumber());
      finishRun.setLong(2, EpochMicros.of(ended.getTime()));
      finishRun.setString(3, ended.getRunId());
      finishRun.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A running run becomes CANCELLING. */
  void cancelRequested(Event requested) {
    try {
      cancelRequested =
          prepare(
              cancelRequested,
              "UPDATE runs SET status = "
                  + RunStatus.RUN_STATUS_CANCELLING_VALUE
                  + " WHERE run_id = ? AND status = "
                  + RunStatus.RUN_STATUS_RUNNING_VALUE);
      cancelRequested.setString(1, requested.getRunId());
      cancelRequested.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public void close() {
    for (PreparedStatement statement : prepared) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // Closing the connection releases it as well.
      }
    }
    prepared.clear();
  }

  private PreparedStatement execute(PreparedStatement statement, String sql) {
    try {
      PreparedStatement ready = prepare(statement, sql);
      ready.execute();
      return ready;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private PreparedStatement prepare(PreparedStatement statement, String sql) throws SQLException {
    if (statement != null) {
      return statement;
    }
    PreparedStatement created = connection.prepareStatement(sql);
    prepared.add(created);
    return created;
  }

  // A statement that failed may be left unusable (after SQLITE_FULL, sqlite-jdbc's next execute of
  // it said "statement is not executing"), so every statement is prepared afresh after any
  // failure: failures are rare, and the next append must not fail for a reason of its own.
  private StoreException failure(SQLException e) {
    close();
    begin = null;
    commit = null;
    rollback = null;
    insertEvent = null;
    lastRunSeq = null;
    runForRequest = null;
    insertRun = null;
    finishRun = null;
    cancelRequested = null;
    return new StoreException(e.getMessage(), e);
  }
}
