package dev.cairn.server.store.postgres;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSummary;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads rows of {@code events} and {@code runs}. PostgreSQL checks its pages itself (with data
 * checksums on), so a row is checked only against its own columns: a payload that names another
 * event than its columns do is reported as damage, never answered as a different fact.
 */
final class PostgresRows {
  /** The columns {@link #event} reads, in this order. */
  static final String EVENT_COLUMNS = "global_seq, run_id, run_seq, type, payload";

  /** The columns {@link #run} reads, in this order. */
  static final String RUN_COLUMNS =
      "run_id, name, status, create_time_us, end_time_us, request_id, submit_seq";

  private PostgresRows() {}

  static Event event(ResultSet row) throws SQLException {
    long globalSeq = row.getLong(1);
    String runId = row.getString(2);
    long runSeq = row.getLong(3);
    String type = row.getString(4);
    byte[] payload = row.getBytes(5);
    String where = "event global_seq " + globalSeq + " (run " + runId + ", run_seq " + runSeq + ")";
    Event event;
    try {
      event = Event.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(
          "the stored " + where + " is damaged: its payload does not parse: " + e.getMessage());
    }
    if (event.getGlobalSeq() != globalSeq
        || event.getRunSeq() != runSeq
        || !event.getRunId().equals(runId)
        || !event.getPayloadCase().name().equals(type)) {
      throw new StoreCorruptException(
          "the stored " + where + " is damaged: its payload names another event");
    }
    return event;
  }

  static RunRow run(ResultSet row) throws SQLException {
    long endTimeUs = row.getLong(5);
    Long end = row.wasNull() ? null : endTimeUs;
    return new RunRow(
        row.getString(1),
        row.getString(2),
        row.getInt(3),
        row.getLong(4),
        end,
        row.getString(6),
        row.getLong(7));
  }

  /** A row of the runs projection. */
  record RunRow(
      String runId,
      String name,
      int status,
      long createTimeUs,
      Long endTimeUs,
      String requestId,
      long submitSeq) {

    RunSummary summary() {
      RunSummary.Builder summary =
          RunSummary.newBuilder()
              .setRunId(runId)
              .setName(name)
              .setStatusValue(status)
              .setCreateTime(EpochMicros.toTimestamp(createTimeUs));
      if (endTimeUs != null) {
        summary.setEndTime(EpochMicros.toTimestamp(endTimeUs));
      }
      return summary.build();
    }
  }
}
