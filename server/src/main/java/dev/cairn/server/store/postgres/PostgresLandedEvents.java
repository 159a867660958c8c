package dev.cairn.server.store.postgres;

import dev.cairn.server.store.StoreConflictException;
import dev.cairn.v1.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Which events of an append in doubt landed: the connection broke before its commit was confirmed,
 * and each event is looked up by its run and run_seq. A transaction lands whole, so what is found
 * is a prefix of the batch (of several batches tried one after the other, each whole); an event
 * found with another payload at its place means another writer continued the run, which the fence
 * forbids, and is reported as a conflict.
 */
final class PostgresLandedEvents {
  private PostgresLandedEvents() {}

  /** The events of {@code batch} found stored, in batch order; they must be a prefix of it. */
  static List<Event> of(Handle handle, List<Event> batch) {
    Map<String, long[]> ranges = new LinkedHashMap<>();
    for (Event event : batch) {
      long[] range = ranges.computeIfAbsent(event.getRunId(), id -> new long[] {Long.MAX_VALUE, 0});
      range[0] = Math.min(range[0], event.getRunSeq());
      range[1] = Math.max(range[1], event.getRunSeq());
    }
    Map<String, Event> found = new HashMap<>();
    for (Map.Entry<String, long[]> run : ranges.entrySet()) {
      handle
          .createQuery(
              "SELECT "
                  + PostgresRows.EVENT_COLUMNS
                  + " FROM events WHERE run_id = :run AND run_seq BETWEEN :low AND :high")
          .bind("run", run.getKey())
          .bind("low", run.getValue()[0])
          .bind("high", run.getValue()[1])
          .map((row, ctx) -> PostgresRows.event(row))
          .forEach(event -> found.put(event.getRunId() + "/" + event.getRunSeq(), event));
    }
    List<Event> landed = new ArrayList<>();
    for (Event event : batch) {
      Event stored = found.get(event.getRunId() + "/" + event.getRunSeq());
      if (stored == null) {
        break;
      }
      if (!stored.toBuilder()
          .clearGlobalSeq()
          .build()
          .equals(event.toBuilder().clearGlobalSeq().build())) {
        throw new StoreConflictException(
            "run "
                + event.getRunId()
                + " has another event at run_seq "
                + event.getRunSeq()
                + " than the append in doubt wrote");
      }
      landed.add(stored);
    }
    if (landed.size() < found.size()) {
      throw new StoreConflictException(
          "the append in doubt landed in part, or another writer continued its runs");
    }
    return landed;
  }
}
