package dev.cairn.server.store.postgres;

import dev.cairn.server.store.AppendRules;
import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.RequestIdTakenException;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * One append, inside the writer's open transaction: it locks the log head, checks that the batch
 * continues the log, and writes the events, the runs projection and the new head.
 *
 * <p>The log head is one row that every append transaction of every server locks first and holds
 * until its commit. That makes the writers take turns: each reads the last global_seq and the runs'
 * last run_seqs after the previous writer committed, so the numbers it assigns are gap-free and
 * increase in commit order, and a conflict is decided on what is committed, as it is in any store
 * with a single writer.
 */
final class PostgresAppend {

  private final Handle handle;
  private final Map<String, Long> lastRunSeqs = new HashMap<>();
  private final Map<String, String> usedRequestIds = new HashMap<>();
  private final Set<String> requestIdsInBatch = new HashSet<>();

  private PostgresAppend(Handle handle) {
    this.handle = handle;
  }

  /**
   * Writes the batch and returns it as stored, or throws {@link StoreConflictException} having
   * written nothing the caller's rollback would not undo. With a node, the batch must also pass its
   * fence ({@link PostgresNode#fence}).
   */
  static List<Event> append(Handle handle, List<Event> events, PostgresNode node) {
    return new PostgresAppend(handle).write(events, node);
  }

  private List<Event> write(List<Event> events, PostgresNode node) {
    long globalSeq =
        handle
            .createQuery("SELECT last_global_seq FROM log_head WHERE id = 1 FOR UPDATE")
            .mapTo(Long.class)
            .one();
    // The fence first: a run another node took over has moved on, and its sequence would refuse
    // this append as a plain conflict, which says nothing of why.
    if (node != null) {
      node.fence(handle, events);
    }
    readRuns(events);
    List<Event> sequenced = new ArrayList<>(events.size());
    for (Event event : events) {
      String runId = event.getRunId();
      AppendRules.requireNextInRun(event, lastRunSeqs.getOrDefault(runId, 0L));
      if (event.getPayloadCase() == PayloadCase.RUN_SUBMITTED) {
        requireUnusedRequestId(event);
      }
      lastRunSeqs.put(runId, event.getRunSeq());
      globalSeq++;
      sequenced.add(event.toBuilder().setGlobalSeq(globalSeq).build());
    }
    insert(sequenced);
    sequenced.forEach(event -> PostgresRuns.apply(handle, event));
    handle
        .createUpdate("UPDATE log_head SET last_global_seq = :last WHERE id = 1")
        .bind("last", globalSeq)
        .execute();
    return sequenced;
  }

  /** Reads, in two queries, the last run_seq of every run and the run of every request_id. */
  private void readRuns(List<Event> events) {
    Set<String> runIds = new LinkedHashSet<>();
    Set<String> requestIds = new LinkedHashSet<>();
    for (Event event : events) {
      runIds.add(event.getRunId());
      if (event.getPayloadCase() == PayloadCase.RUN_SUBMITTED
          && !event.getRunSubmitted().getRequestId().isEmpty()) {
        requestIds.add(event.getRunSubmitted().getRequestId());
      }
    }
    handle
        .createQuery(
            "SELECT run_id, MAX(run_seq) FROM events WHERE run_id IN (<runs>) GROUP BY run_id")
        .bindList("runs", List.copyOf(runIds))
        .map((row, ctx) -> Map.entry(row.getString(1), row.getLong(2)))
        .forEach(entry -> lastRunSeqs.put(entry.getKey(), entry.getValue()));
    if (!requestIds.isEmpty()) {
      handle
          .createQuery("SELECT request_id, run_id FROM runs WHERE request_id IN (<requests>)")
          .bindList("requests", List.copyOf(requestIds))
          .map((row, ctx) -> Map.entry(row.getString(1), row.getString(2)))
          .forEach(entry -> usedRequestIds.put(entry.getKey(), entry.getValue()));
    }
  }

  private void requireUnusedRequestId(Event event) {
    String requestId = event.getRunSubmitted().getRequestId();
    if (requestId.isEmpty()) {
      return;
    }
    String existing = usedRequestIds.get(requestId);
    if (existing != null) {
      throw new RequestIdTakenException(
          "request_id " + requestId + " was already used by run " + existing);
    }
    if (!requestIdsInBatch.add(requestId)) {
      throw new StoreConflictException(
          "request_id " + requestId + " is used by two runs of the same batch");
    }
  }

  private void insert(List<Event> sequenced) {
    PreparedBatch batch =
        handle.prepareBatch(
            "INSERT INTO events (global_seq, run_id, run_seq, type, time_us, payload)"
                + " VALUES (:global, :run, :seq, :type, :time, :payload)");
    for (Event event : sequenced) {
      batch
          .bind("global", event.getGlobalSeq())
          .bind("run", event.getRunId())
          .bind("seq", event.getRunSeq())
          .bind("type", event.getPayloadCase().name())
          .bind("time", EpochMicros.of(event.getTime()))
          .bind("payload", event.toByteArray())
          .add();
    }
    batch.execute();
  }
}
