package dev.cairn.server.store.sqlite;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Reads rows of {@code events} and {@code runs} and checks each against its stored checksum before
 * anything is made of it: a row that fails is reported as damage ({@link StoreCorruptException}),
 * never answered as a different fact or as an absence.
 */
final class StoredRows {
  /** The columns {@link #event} reads, in this order. */
  static final String EVENT_COLUMNS = "global_seq, run_id, run_seq, type, time_us, payload, crc";

  /** The columns {@link #run} reads, in this order. */
  static final String RUN_COLUMNS =
      "run_id, name, status, create_time_us, end_time_us, request_id, submit_seq, crc";

  private StoredRows() {}

  /** The event of the current row, checked against its checksum and its columns. */
  static Event event(ResultSet row) throws SQLException {
    return event(row, true);
  }

  /**
   * The event of the current row, checked against its columns and, unless the store predates
   * checksums (its crc column then reads as NULL), against its checksum.
   */
  static Event event(ResultSet row, boolean checksummed) throws SQLException {
    long globalSeq = row.getLong(1);
    String runId = row.getString(2);
    long runSeq = row.getLong(3);
    String type = row.getString(4);
    long timeUs = row.getLong(5);
    byte[] payload = row.getBytes(6);
    long stored = row.getLong(7);
    boolean missing = row.wasNull();
    String where = "event global_seq " + globalSeq + " (run " + runId + ", run_seq " + runSeq + ")";
    if (runId == null || type == null || payload == null) {
      throw new StoreCorruptException("the stored " + where + " is damaged: a column is missing");
    }
    if (checksummed && missing) {
      throw new StoreCorruptException("the stored " + where + " is damaged: it has no checksum");
    }
    if (checksummed
        && stored != RowChecksums.event(globalSeq, runId, runSeq, type, timeUs, payload)) {
      throw new StoreCorruptException(
          "the stored " + where + " is damaged: its checksum does not match its bytes");
    }
    Event event = parse(payload, where);
    if (event.getGlobalSeq() != globalSeq
        || event.getRunSeq() != runSeq
        || !event.getRunId().equals(runId)
        || !event.getPayloadCase().name().equals(type)) {
      throw new StoreCorruptException(
          "the stored " + where + " is damaged: its payload names another event");
    }
    return event;
  }

  /**
   * The event of the current row as its bytes, checked as {@link #event(ResultSet)} checks it: its
   * checksum, and its placing fields against its columns; the rest of the payload is not parsed.
   */
  static EncodedEvent encodedEvent(ResultSet row) throws SQLException {
    long globalSeq = row.getLong(1);
    String runId = row.getString(2);
    long runSeq = row.getLong(3);
    String type = row.getString(4);
    long timeUs = row.getLong(5);
    byte[] payload = row.getBytes(6);
    long stored = row.getLong(7);
    boolean missing = row.wasNull();
    if (runId == null || type == null || payload == null || missing) {
      // The rare damaged row: the full check names what is wrong with it.
      event(row, true);
    }
    if (stored != RowChecksums.event(globalSeq, runId, runSeq, type, timeUs, payload)) {
      throw new StoreCorruptException(
          "the stored event global_seq "
              + globalSeq
              + " (run "
              + runId
              + ", run_seq "
              + runSeq
              + ") is damaged: its checksum does not match its bytes");
    }
    EncodedEvent event;
    try {
      event = EncodedEvent.scan(payload);
    } catch (InvalidProtocolBufferException e) {
      event = null;
    }
    if (event == null
        || event.globalSeq() != globalSeq
        || event.runSeq() != runSeq
        || !event.runId().equals(runId)
        || !event.payloadCase().name().equals(type)) {
      // Parsed in full for the message that names the damage.
      return EncodedEvent.of(event(row, true));
    }
    return event;
  }

  /** Parses a stored payload; a payload that does not parse means the file was damaged. */
  static Event parse(byte[] payload, String where) {
    try {
      return Event.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(
          "the stored " + where + " is damaged: its payload does not parse: " + e.getMessage());
    }
  }

  /** The runs row of the current row, checked against its checksum. */
  static RunRow run(ResultSet row) throws SQLException {
    return run(row, true);
  }

  /** The runs row of the current row, checked against its checksum if the store has them. */
  static RunRow run(ResultSet row, boolean checksummed) throws SQLException {
    String runId = row.getString(1);
    String name = row.getString(2);
    long status = row.getLong(3);
    long createTimeUs = row.getLong(4);
    long endTimeUs = row.getLong(5);
    Long end = row.wasNull() ? null : endTimeUs;
    String requestId = row.getString(6);
    long submitSeq = row.getLong(7);
    long stored = row.getLong(8);
    boolean missing = row.wasNull();
    String where = "row of run " + runId + " in the runs projection";
    if (runId == null || name == null) {
      throw new StoreCorruptException("the " + where + " is damaged: a column is missing");
    }
    if (missing) {
      throw new StoreCorruptException("the " + where + " is damaged: it has no checksum");
    }
    if (stored != RowChecksums.run(runId, name, status, createTimeUs, end, requestId, submitSeq)) {
      throw new StoreCorruptException(
          "the " + where + " is damaged: its checksum does not match its bytes");
    }
    return new RunRow(runId, name, (int) status, createTimeUs, end, requestId, submitSeq);
  }

  /** A checked row of the runs projection. */
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

    /** Whether the row says what a row rebuilt from the events says (its checksum aside). */
    boolean sameAs(RunRow other) {
      return runId.equals(other.runId)
          && name.equals(other.name)
          && status == other.status
          && createTimeUs == other.createTimeUs
          && Objects.equals(endTimeUs, other.endTimeUs)
          && Objects.equals(requestId, other.requestId)
          && submitSeq == other.submitSeq;
    }
  }
}
