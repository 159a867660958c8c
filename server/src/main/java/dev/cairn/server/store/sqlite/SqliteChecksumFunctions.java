package dev.cairn.server.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * {@link RowChecksums} as SQL functions on the writer connection: the schema migration computes the
 * checksums of rows written before they existed, and the runs projection's UPDATEs compute the new
 * row's checksum from the columns they keep, in the same statement.
 */
final class SqliteChecksumFunctions {
  static final String EVENT = "cairn_event_crc";
  static final String RUN = "cairn_run_crc";

  /** SQLite's type code of a NULL argument. */
  private static final int SQLITE_NULL = 5;

  private SqliteChecksumFunctions() {}

  static void register(Connection connection) throws SQLException {
    Function.create(connection, EVENT, new EventChecksum(), 6, Function.FLAG_DETERMINISTIC);
    Function.create(connection, RUN, new RunChecksum(), 7, Function.FLAG_DETERMINISTIC);
  }

  /** cairn_event_crc(global_seq, run_id, run_seq, type, time_us, payload). */
  private static final class EventChecksum extends Function {
    @Override
    protected void xFunc() throws SQLException {
      byte[] payload = value_blob(5);
      result(
          RowChecksums.event(
              value_long(0),
              value_text(1),
              value_long(2),
              value_text(3),
              value_long(4),
              payload == null ? new byte[0] : payload));
    }
  }

  /** cairn_run_crc(run_id, name, status, create_time_us, end_time_us, request_id, submit_seq). */
  private static final class RunChecksum extends Function {
    @Override
    protected void xFunc() throws SQLException {
      result(
          RowChecksums.run(
              value_text(0),
              value_text(1),
              value_long(2),
              value_long(3),
              value_type(4) == SQLITE_NULL ? null : value_long(4),
              value_type(5) == SQLITE_NULL ? null : value_text(5),
              value_long(6)));
    }
  }
}
