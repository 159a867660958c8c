package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.ReadChecks;
import dev.cairn.server.store.Tombstones;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The reads of events as their stored bytes, for streams: the same rows and checks as the parsed
 * reads of {@link SqliteEventStore}, without parsing each payload.
 */
final class EncodedReads {
  private EncodedReads() {}

  /** Events of one run after {@code afterRunSeq}; empty also when the run has none to read. */
  static List<EncodedEvent> run(Handle handle, String runId, long afterRunSeq, int limit) {
    List<EncodedEvent> events =
        handle
            .createQuery(
                "SELECT "
                    + StoredRows.EVENT_COLUMNS
                    + " FROM events WHERE run_id = :run AND run_seq > :after"
                    + " ORDER BY run_seq LIMIT :limit")
            .bind("run", runId)
            .bind("after", afterRunSeq)
            .bind("limit", limit)
            .map((row, ctx) -> StoredRows.encodedEvent(row))
            .list();
    ReadChecks.requireRunContinuesEncoded(runId, afterRunSeq, events);
    return events;
  }

  /** Events of all runs after {@code afterGlobalSeq}. */
  static List<EncodedEvent> all(Handle handle, long afterGlobalSeq, int limit) {
    List<EncodedEvent> events =
        handle
            .createQuery(
                "SELECT "
                    + StoredRows.EVENT_COLUMNS
                    + " FROM events WHERE global_seq > :after"
                    + " ORDER BY global_seq LIMIT :limit")
            .bind("after", afterGlobalSeq)
            .bind("limit", limit)
            .map((row, ctx) -> StoredRows.encodedEvent(row))
            .list();
    ReadChecks.requireLogContinuesEncoded(
        afterGlobalSeq, events, () -> Tombstones.highestRemoved(handle));
    return events;
  }
}
