package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private static final String BEGIN = "BEGIN IMMEDIATE";
  private static final String COMMIT = "COMMIT";
  private static final String ROLLBACK = "ROLLBACK";
  private static final String INSERT_EVENT =
      "INSERT INTO events (global_seq, run_id, run_seq, type, time_us, payload, crc)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String LAST_RUN_SEQ =
      "SELECT COALESCE(MAX(run_seq), 0) FROM events WHERE run_id = ?";
  private static final String RUN_FOR_REQUEST =
      "SELECT " + StoredRows.RUN_COLUMNS + " FROM runs WHERE request_id = ?";
  private static final String INSERT_RUN =
      "INSERT INTO runs (run_id, name, status, create_time_us, end_time_us, request_id,"
          + " submit_seq, crc) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)";
  // An UPDATE recomputes the row's checksum from the columns it keeps and the values it sets.
  private static final String FINISH_RUN =
      "UPDATE runs SET status = ?1, end_time_us = ?2, crc = "
          + SqliteChecksumFunctions.RUN
          + "(run_id, name, ?1, create_time_us, ?2, request_id, submit_seq) WHERE run_id = ?3";
  private static final String INSERT_RERUN =
      "INSERT INTO reruns (run_id, rerun_of, submit_seq) VALUES (?, ?, ?)";
  private static final String CANCEL_REQUESTED =
      "UPDATE runs SET status = "
          + RunStatus.RUN_STATUS_CANCELLING_VALUE
          + ", crc = "
          + SqliteChecksumFunctions.RUN
          + "(run_id, name, "
          + RunStatus.RUN_STATUS_CANCELLING_VALUE
          + ", create_time_us, end_time_us, request_id, submit_seq)"
          + " WHERE run_id = ? AND status = "
          + RunStatus.RUN_STATUS_RUNNING_VALUE;

  private final Connection connection;
  // By their SQL; emptied (and closed) after any failure.
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  WriterStatements(Connection connection) {
    this.connection = connection;
  }

  void begin() {
    execute(BEGIN);
  }

  void commit() {
    execute(COMMIT);
  }

  void rollback() {
    execute(ROLLBACK);
  }

  /** Inserts the sequenced events in one batch. */
  void insertEvents(List<Event> sequenced) {
    try {
      PreparedStatement insert = statement(INSERT_EVENT);
      for (Event event : sequenced) {
        String type = event.getPayloadCase().name();
        long timeUs = EpochMicros.of(event.getTime());
        byte[] payload = event.toByteArray();
        insert.setLong(1, event.getGlobalSeq());
        insert.setString(2, event.getRunId());
        insert.setLong(3, event.getRunSeq());
        insert.setString(4, type);
        insert.setLong(5, timeUs);
        insert.setBytes(6, payload);
        insert.setLong(
            7,
            RowChecksums.event(
                event.getGlobalSeq(), event.getRunId(), event.getRunSeq(), type, timeUs, payload));
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The last stored run_seq of the run, 0 when it has none. */
  long lastRunSeq(String runId) {
    try {
      PreparedStatement query = statement(LAST_RUN_SEQ);
      query.setString(1, runId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The run that used the request id, if any. */
  Optional<String> runForRequest(String requestId) {
    try {
      PreparedStatement query = statement(RUN_FOR_REQUEST);
      query.setString(1, requestId);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        StoredRows.RunRow run = StoredRows.run(row);
        if (!requestId.equals(run.requestId())) {
          throw new StoreCorruptException(
              "the runs projection is damaged: looking up request_id "
                  + requestId
                  + " found run "
                  + run.runId()
                  + " of another request_id");
        }
        return Optional.of(run.runId());
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The row of a run just submitted: RUNNING, in submit order. */
  /** Records that a submitted run reruns another; only for a RunSubmitted with rerun_of set. */
  void insertRerun(Event submitted) {
    try {
      PreparedStatement insert = statement(INSERT_RERUN);
      insert.setString(1, submitted.getRunId());
      insert.setString(2, submitted.getRunSubmitted().getRerunOf());
      insert.setLong(3, submitted.getGlobalSeq());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  void insertRun(Event submitted) {
    try {
      PreparedStatement insert = statement(INSERT_RUN);
      String requestId = submitted.getRunSubmitted().getRequestId();
      String name = submitted.getRunSubmitted().getSpec().getName();
      long createTimeUs = EpochMicros.of(submitted.getTime());
      insert.setString(1, submitted.getRunId());
      insert.setString(2, name);
      insert.setInt(3, RunStatus.RUN_STATUS_RUNNING_VALUE);
      insert.setLong(4, createTimeUs);
      if (requestId.isEmpty()) {
        insert.setNull(5, Types.VARCHAR);
      } else {
        insert.setString(5, requestId);
      }
      insert.setLong(6, submitted.getGlobalSeq());
      insert.setLong(
          7,
          RowChecksums.run(
              submitted.getRunId(),
              name,
              RunStatus.RUN_STATUS_RUNNING_VALUE,
              createTimeUs,
              null,
              requestId.isEmpty() ? null : requestId,
              submitted.getGlobalSeq()));
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A run's terminal status and end time. */
  void finishRun(Event ended, RunStatus status) {
    try {
      PreparedStatement update = statement(FINISH_RUN);
      update.setInt(1, status.getNumber());
      update.setLong(2, EpochMicros.of(ended.getTime()));
      update.setString(3, ended.getRunId());
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A running run becomes CANCELLING. */
  void cancelRequested(Event requested) {
    try {
      PreparedStatement update = statement(CANCEL_REQUESTED);
      update.setString(1, requested.getRunId());
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public void close() {
    for (PreparedStatement statement : prepared.values()) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // Closing the connection releases it as well.
      }
    }
    prepared.clear();
  }

  private void execute(String sql) {
    try {
      statement(sql).execute();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement statement = prepared.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      prepared.put(sql, statement);
    }
    return statement;
  }

  // A statement that failed may be left unusable (after SQLITE_FULL, sqlite-jdbc's next execute of
  // it said "statement is not executing"), so every statement is prepared afresh after any
  // failure: failures are rare, and the next append must not fail for a reason of its own.
  private StoreException failure(SQLException e) {
    close();
    if (SqliteErrors.isCorrupt(e)) {
      return new StoreCorruptException("the database file is damaged: " + e.getMessage(), e);
    }
    return new StoreException(e.getMessage(), e);
  }
}
