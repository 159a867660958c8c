package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.RunListCursor;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The {@code runs} table: the single place that says how an event changes a run's row (used both
 * when appending and when rebuilding from the log) and the queries that read it.
 */
final class RunsProjection {

  /** The event types that change a run's row; step events leave it alone. */
  static final Set<PayloadCase> RUN_LEVEL_TYPES =
      EnumSet.of(
          PayloadCase.RUN_SUBMITTED,
          PayloadCase.RUN_CANCEL_REQUESTED,
          PayloadCase.RUN_SUCCEEDED,
          PayloadCase.RUN_FAILED,
          PayloadCase.RUN_CANCELLED);

  private static final int REBUILD_CHUNK = 500;

  private RunsProjection() {}

  /** Applies one stored event (global_seq assigned) to the runs table. */
  static void apply(WriterStatements statements, Event event) {
    switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> {
        statements.insertRun(event);
        if (!event.getRunSubmitted().getRerunOf().isEmpty()) {
          statements.insertRerun(event);
        }
      }
      case RUN_CANCEL_REQUESTED -> statements.cancelRequested(event);
      case RUN_SUCCEEDED -> statements.finishRun(event, RunStatus.RUN_STATUS_SUCCEEDED);
      case RUN_FAILED -> statements.finishRun(event, RunStatus.RUN_STATUS_FAILED);
      case RUN_CANCELLED -> statements.finishRun(event, RunStatus.RUN_STATUS_CANCELLED);
      default -> {
        // Step events do not change the run's row.
      }
    }
  }

  /** Empties the runs table and replays every run-level event into it, in log order. */
  static void rebuild(Handle handle, WriterStatements statements) {
    handle.execute("DELETE FROM runs");
    handle.execute("DELETE FROM reruns");
    List<String> types = RUN_LEVEL_TYPES.stream().map(PayloadCase::name).toList();
    long after = 0;
    while (true) {
      List<Event> chunk =
          handle
              .createQuery(
                  "SELECT "
                      + StoredRows.EVENT_COLUMNS
                      + " FROM events WHERE global_seq > :after AND type IN (<types>)"
                      + " ORDER BY global_seq LIMIT :limit")
              .bind("after", after)
              .bindList("types", types)
              .bind("limit", REBUILD_CHUNK)
              .map((rs, ctx) -> StoredRows.event(rs))
              .list();
      chunk.forEach(event -> apply(statements, event));
      if (chunk.size() < REBUILD_CHUNK) {
        return;
      }
      after = chunk.get(chunk.size() - 1).getGlobalSeq();
    }
  }

  /** Parses a stored payload; a payload that does not parse means the file was damaged. */
  static Event parseEvent(byte[] payload) {
    return StoredRows.parse(payload, "event");
  }

  /**
   * The run's checked row. A run with events but no row is damage, not absence: a lookup that
   * missed a row the projection should hold must not tell a client that an acknowledged run does
   * not exist.
   */
  static Optional<RunSummary> find(Handle handle, String runId) {
    Optional<StoredRows.RunRow> row =
        handle
            .createQuery("SELECT " + StoredRows.RUN_COLUMNS + " FROM runs WHERE run_id = :run")
            .bind("run", runId)
            .map((rs, ctx) -> StoredRows.run(rs))
            .findOne();
    if (row.isPresent()) {
      if (!row.get().runId().equals(runId)) {
        throw new StoreCorruptException(
            "the runs projection is damaged: looking up run "
                + runId
                + " found run "
                + row.get().runId());
      }
      return Optional.of(row.get().summary());
    }
    // Asked again in one snapshot: the run may have been committed between the two lookups.
    if (handle.inTransaction(snapshot -> hasEvents(snapshot, runId) && !hasRow(snapshot, runId))) {
      throw new StoreCorruptException(
          "run "
              + runId
              + " has events but no row in the runs projection: the projection is"
              + " damaged (rebuild it offline with: cairn server check --rebuild-projection)");
    }
    return Optional.empty();
  }

  /** Whether the log holds any event of the run. */
  static boolean hasEvents(Handle handle, String runId) {
    return handle
            .createQuery("SELECT EXISTS (SELECT 1 FROM events WHERE run_id = :run)")
            .bind("run", runId)
            .mapTo(Integer.class)
            .one()
        == 1;
  }

  /** Whether the runs projection holds a row for the run, checked or not. */
  static boolean hasRow(Handle handle, String runId) {
    return handle
            .createQuery("SELECT EXISTS (SELECT 1 FROM runs WHERE run_id = :run)")
            .bind("run", runId)
            .mapTo(Integer.class)
            .one()
        == 1;
  }

  static Optional<String> runIdForRequest(Handle handle, String requestId) {
    Optional<StoredRows.RunRow> row =
        handle
            .createQuery(
                "SELECT " + StoredRows.RUN_COLUMNS + " FROM runs WHERE request_id = :request")
            .bind("request", requestId)
            .map((rs, ctx) -> StoredRows.run(rs))
            .findOne();
    if (row.isPresent() && !requestId.equals(row.get().requestId())) {
      throw new StoreCorruptException(
          "the runs projection is damaged: looking up request_id "
              + requestId
              + " found run "
              + row.get().runId()
              + " of another request_id");
    }
    return row.map(StoredRows.RunRow::runId);
  }

  /** Ids of the runs that rerun this one, oldest first. */
  static List<String> rerunsOf(Handle handle, String runId) {
    return handle
        .createQuery("SELECT run_id FROM reruns WHERE rerun_of = :run ORDER BY submit_seq")
        .bind("run", runId)
        .mapTo(String.class)
        .list();
  }

  /** Ids of RUNNING and CANCELLING runs, oldest first. */
  static List<String> unfinishedRunIds(Handle handle) {
    // The literal status list matches the partial index runs_unfinished.
    return handle
        .createQuery(
            "SELECT "
                + StoredRows.RUN_COLUMNS
                + " FROM runs WHERE status IN ("
                + RunStatus.RUN_STATUS_RUNNING_VALUE
                + ", "
                + RunStatus.RUN_STATUS_CANCELLING_VALUE
                + ") ORDER BY submit_seq")
        .map((rs, ctx) -> StoredRows.run(rs))
        .stream()
        .peek(RunsProjection::requireUnfinished)
        .map(StoredRows.RunRow::runId)
        .toList();
  }

  private static void requireUnfinished(StoredRows.RunRow row) {
    if (row.status() != RunStatus.RUN_STATUS_RUNNING_VALUE
        && row.status() != RunStatus.RUN_STATUS_CANCELLING_VALUE) {
      throw new StoreCorruptException(
          "the runs projection is damaged: its index of unfinished runs lists run "
              + row.runId()
              + " of status "
              + row.status());
    }
  }

  /** The page of runs the query's cursor points to, newest first. */
  static RunPage list(Handle handle, RunQuery query, RunListCursor cursor) {
    int pageSize = query.effectivePageSize();
    StringBuilder sql =
        new StringBuilder("SELECT " + StoredRows.RUN_COLUMNS + " FROM runs")
            .append(" WHERE submit_seq < :before");
    if (!query.statuses().isEmpty()) {
      sql.append(" AND status IN (<statuses>)");
    }
    if (!query.name().isEmpty()) {
      sql.append(" AND name = :name");
    }
    // One row more than the page tells whether another page follows.
    sql.append(" ORDER BY submit_seq DESC LIMIT :limit");
    Query select =
        handle
            .createQuery(sql.toString())
            .bind("before", cursor.beforeSubmitSeq())
            .bind("limit", pageSize + 1);
    if (!query.statuses().isEmpty()) {
      select.bindList("statuses", query.statuses().stream().map(RunStatus::getNumber).toList());
    }
    if (!query.name().isEmpty()) {
      select.bind("name", query.name());
    }
    List<ListedRun> rows =
        select.map((rs, ctx) -> StoredRows.run(rs)).stream()
            .map(row -> new ListedRun(row.summary(), row.submitSeq()))
            .toList();
    if (rows.size() <= pageSize) {
      return new RunPage(rows.stream().map(ListedRun::summary).toList(), "");
    }
    List<ListedRun> page = rows.subList(0, pageSize);
    String next = cursor.after(page.get(pageSize - 1).submitSeq()).encode();
    return new RunPage(page.stream().map(ListedRun::summary).toList(), next);
  }

  /** A listed run with its keyset position. */
  private record ListedRun(RunSummary summary, long submitSeq) {}
}
