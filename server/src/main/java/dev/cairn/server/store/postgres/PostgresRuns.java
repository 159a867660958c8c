package dev.cairn.server.store.postgres;

import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.RunListCursor;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The {@code runs} table on PostgreSQL: how an event changes a run's row (when appending and when
 * rebuilding from the log) and the queries that read it.
 */
final class PostgresRuns {

  private static final List<String> RUN_LEVEL_TYPES =
      List.of(
          PayloadCase.RUN_SUBMITTED.name(),
          PayloadCase.RUN_CANCEL_REQUESTED.name(),
          PayloadCase.RUN_SUCCEEDED.name(),
          PayloadCase.RUN_FAILED.name(),
          PayloadCase.RUN_CANCELLED.name());

  private static final int REBUILD_CHUNK = 500;

  private PostgresRuns() {}

  /** Applies one stored event (global_seq assigned) to the runs table. */
  static void apply(Handle handle, Event event) {
    switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> insert(handle, event);
      case RUN_CANCEL_REQUESTED ->
          handle
              .createUpdate(
                  "UPDATE runs SET status = :cancelling WHERE run_id = :run AND status = :running")
              .bind("cancelling", RunStatus.RUN_STATUS_CANCELLING_VALUE)
              .bind("running", RunStatus.RUN_STATUS_RUNNING_VALUE)
              .bind("run", event.getRunId())
              .execute();
      case RUN_SUCCEEDED -> finish(handle, event, RunStatus.RUN_STATUS_SUCCEEDED);
      case RUN_FAILED -> finish(handle, event, RunStatus.RUN_STATUS_FAILED);
      case RUN_CANCELLED -> finish(handle, event, RunStatus.RUN_STATUS_CANCELLED);
      default -> {
        // Step events do not change the run's row.
      }
    }
  }

  private static void insert(Handle handle, Event submitted) {
    String requestId = submitted.getRunSubmitted().getRequestId();
    handle
        .createUpdate(
            "INSERT INTO runs (run_id, name, status, create_time_us, end_time_us, request_id,"
                + " submit_seq) VALUES (:run, :name, :status, :created, NULL, :request, :seq)")
        .bind("run", submitted.getRunId())
        .bind("name", submitted.getRunSubmitted().getSpec().getName())
        .bind("status", RunStatus.RUN_STATUS_RUNNING_VALUE)
        .bind("created", EpochMicros.of(submitted.getTime()))
        .bind("request", requestId.isEmpty() ? null : requestId)
        .bind("seq", submitted.getGlobalSeq())
        .execute();
    String rerunOf = submitted.getRunSubmitted().getRerunOf();
    if (!rerunOf.isEmpty()) {
      handle
          .createUpdate(
              "INSERT INTO reruns (run_id, rerun_of, submit_seq) VALUES (:run, :of, :seq)")
          .bind("run", submitted.getRunId())
          .bind("of", rerunOf)
          .bind("seq", submitted.getGlobalSeq())
          .execute();
    }
  }

  /** The runs that rerun {@code runId}, oldest first. */
  static List<String> rerunsOf(Handle handle, String runId) {
    return handle
        .createQuery("SELECT run_id FROM reruns WHERE rerun_of = :run ORDER BY submit_seq")
        .bind("run", runId)
        .mapTo(String.class)
        .list();
  }

  private static void finish(Handle handle, Event ended, RunStatus status) {
    handle
        .createUpdate("UPDATE runs SET status = :status, end_time_us = :ended WHERE run_id = :run")
        .bind("status", status.getNumber())
        .bind("ended", EpochMicros.of(ended.getTime()))
        .bind("run", ended.getRunId())
        .execute();
  }

  /** Empties the runs table and replays every run-level event into it, in log order. */
  static void rebuild(Handle handle) {
    handle.execute("DELETE FROM runs");
    handle.execute("DELETE FROM reruns");
    long after = 0;
    while (true) {
      List<Event> chunk =
          handle
              .createQuery(
                  "SELECT "
                      + PostgresRows.EVENT_COLUMNS
                      + " FROM events WHERE global_seq > :after AND type IN (<types>)"
                      + " ORDER BY global_seq LIMIT :limit")
              .bind("after", after)
              .bindList("types", RUN_LEVEL_TYPES)
              .bind("limit", REBUILD_CHUNK)
              .map((rs, ctx) -> PostgresRows.event(rs))
              .list();
      chunk.forEach(event -> apply(handle, event));
      if (chunk.size() < REBUILD_CHUNK) {
        return;
      }
      after = chunk.get(chunk.size() - 1).getGlobalSeq();
    }
  }

  /**
   * The run's row. A run with events but no row is damage, not absence: a lookup that missed a row
   * the projection should hold must not tell a client that an acknowledged run does not exist.
   */
  static Optional<RunSummary> find(Handle handle, String runId) {
    Optional<PostgresRows.RunRow> row =
        handle
            .createQuery("SELECT " + PostgresRows.RUN_COLUMNS + " FROM runs WHERE run_id = :run")
            .bind("run", runId)
            .map((rs, ctx) -> PostgresRows.run(rs))
            .findOne();
    if (row.isPresent()) {
      return Optional.of(row.get().summary());
    }
    // Asked again in one snapshot: the run may have been committed between the two lookups.
    if (inOneSnapshot(handle, snapshot -> hasEvents(snapshot, runId) && !hasRow(snapshot, runId))) {
      throw new StoreCorruptException(
          "run "
              + runId
              + " has events but no row in the runs projection: the projection is"
              + " damaged (rebuild it offline with: cairn server check --rebuild-projection)");
    }
    return Optional.empty();
  }

  /** Runs the check in one REPEATABLE READ transaction, so both of its queries see one state. */
  static boolean inOneSnapshot(Handle handle, HandleCallback<Boolean, RuntimeException> check) {
    return handle.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, check::withHandle);
  }

  static boolean hasEvents(Handle handle, String runId) {
    return handle
        .createQuery("SELECT EXISTS (SELECT 1 FROM events WHERE run_id = :run)")
        .bind("run", runId)
        .mapTo(Boolean.class)
        .one();
  }

  static boolean hasRow(Handle handle, String runId) {
    return handle
        .createQuery("SELECT EXISTS (SELECT 1 FROM runs WHERE run_id = :run)")
        .bind("run", runId)
        .mapTo(Boolean.class)
        .one();
  }

  static Optional<String> runIdForRequest(Handle handle, String requestId) {
    return handle
        .createQuery("SELECT run_id FROM runs WHERE request_id = :request")
        .bind("request", requestId)
        .mapTo(String.class)
        .findOne();
  }

  /** Ids of RUNNING and CANCELLING runs, oldest first. */
  static List<String> unfinishedRunIds(Handle handle) {
    // The literal status list matches the partial index runs_unfinished.
    return handle
        .createQuery(
            "SELECT run_id FROM runs WHERE status IN ("
                + RunStatus.RUN_STATUS_RUNNING_VALUE
                + ", "
                + RunStatus.RUN_STATUS_CANCELLING_VALUE
                + ") ORDER BY submit_seq")
        .mapTo(String.class)
        .list();
  }

  /** The page of runs the query's cursor points to, newest first. */
  static RunPage list(Handle handle, RunQuery query, RunListCursor cursor) {
    int pageSize = query.effectivePageSize();
    StringBuilder sql =
        new StringBuilder("SELECT " + PostgresRows.RUN_COLUMNS + " FROM runs")
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
    List<PostgresRows.RunRow> rows = select.map((rs, ctx) -> PostgresRows.run(rs)).list();
    if (rows.size() <= pageSize) {
      return new RunPage(rows.stream().map(PostgresRows.RunRow::summary).toList(), "");
    }
    List<PostgresRows.RunRow> page = rows.subList(0, pageSize);
    String next = cursor.after(page.get(pageSize - 1).submitSeq()).encode();
    return new RunPage(page.stream().map(PostgresRows.RunRow::summary).toList(), next);
  }
}
