package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.AppendRules;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Decides whether a batch continues the log and numbers it: the rules that keep every run's
 * sequence gap-free from 1, every run begun by RunSubmitted, and every request_id used once.
 *
 * <p>It runs inside the writer's transaction, so what it reads cannot change before the commit.
 */
final class EventSequencer {

  private final Handle writer;
  private final WriterStatements statements;
  private final SequenceCache cache;
  private final Map<String, Long> lastRunSeqs = new HashMap<>();
  private final Set<String> requestIdsInBatch = new HashSet<>();

  private EventSequencer(Handle writer, WriterStatements statements, SequenceCache cache) {
    this.writer = writer;
    this.statements = statements;
    this.cache = cache;
  }

  /**
   * Returns the events with global seqs last + 1, last + 2..., or throws {@link
   * StoreConflictException} if any event does not continue the log.
   */
  static List<Event> sequence(
      Handle writer, WriterStatements statements, SequenceCache cache, List<Event> events) {
    return new EventSequencer(writer, statements, cache).assign(events);
  }

  private List<Event> assign(List<Event> events) {
    long globalSeq = cache.lastGlobalSeq();
    if (globalSeq < 0) {
      globalSeq = lastGlobalSeq(writer);
    }
    List<Event> sequenced = new ArrayList<>(events.size());
    for (Event event : events) {
      String runId = event.getRunId();
      long lastRunSeq = lastRunSeqs.computeIfAbsent(runId, this::storedLastRunSeq);
      AppendRules.requireNextInRun(event, lastRunSeq);
      if (event.getPayloadCase() == PayloadCase.RUN_SUBMITTED) {
        requireUnusedRequestId(event);
      }
      lastRunSeqs.put(runId, event.getRunSeq());
      globalSeq++;
      sequenced.add(event.toBuilder().setGlobalSeq(globalSeq).build());
    }
    return sequenced;
  }

  /**
   * The last global_seq assigned: the highest stored, or the highest a removed run held when that
   * is higher (the newest runs may have been deleted), so that no number is ever assigned twice.
   */
  static long lastGlobalSeq(Handle handle) {
    return handle
        .createQuery(
            "SELECT MAX((SELECT COALESCE(MAX(global_seq), 0) FROM events),"
                + " (SELECT highest_removed FROM removal_mark WHERE id = 1))")
        .mapTo(Long.class)
        .one();
  }

  private long storedLastRunSeq(String runId) {
    Long cached = cache.lastRunSeq(runId);
    if (cached != null) {
      return cached;
    }
    return statements.lastRunSeq(runId);
  }

  private void requireUnusedRequestId(Event event) {
    String requestId = event.getRunSubmitted().getRequestId();
    if (requestId.isEmpty()) {
      return;
    }
    Optional<String> existing = statements.runForRequest(requestId);
    if (existing.isPresent()) {
      throw new StoreConflictException(
          "request_id " + requestId + " was already used by run " + existing.get());
    }
    if (!requestIdsInBatch.add(requestId)) {
      throw new StoreConflictException(
          "request_id " + requestId + " is used by two runs of the same batch");
    }
  }
}
