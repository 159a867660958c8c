package dev.cairn.server.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

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

  /** The columns {@link #toSummary} reads. */
  private static final String SUMMARY_COLUMNS = "run_id, name, status, create_time_us, end_time_us";

  private static final int REBUILD_CHUNK = 500;

  private RunsProjection() {}

  /** Applies one stored event (global_seq assigned) to the runs table. */
  static void apply(WriterStatements statements, Event event) {
    switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> statements.insertRun(event);
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
    List<String> types = RUN_LEVEL_TYPES.stream().map(PayloadCase::name).toList();
    long after = 0;
    while (true) {
      List<Event> chunk =
          handle
              .createQuery(
                  "SELECT payload FROM events WHERE global_seq > :after AND type IN (<types>)"
                      + " ORDER BY global_seq LIMIT :limit")
              .bind("after", after)
              .bindList("types", types)
              .bind("limit", REBUILD_CHUNK)
              .map((rs, ctx) -> parseEvent(rs.getBytes(1)))
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
    try {
      return Event.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("a stored event is corrupt and cannot be parsed: " + e.getMessage());
    }
  }

  static Optional<RunSummary> find(Handle handle, String runId) {
    return handle
        .createQuery("SELECT " + SUMMARY_COLUMNS + " FROM runs WHERE run_id = :run")
        .bind("run", runId)
        .map(RunsProjection::toSummary)
        .findOne();
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
        new StringBuilder("SELECT " + SUMMARY_COLUMNS + ", submit_seq FROM runs")
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
        select
            .map((row, ctx) -> new ListedRun(toSummary(row, ctx), row.getLong("submit_seq")))
            .list();
    if (rows.size() <= pageSize) {
      return new RunPage(rows.stream().map(ListedRun::summary).toList(), "");
    }
    List<ListedRun> page = rows.subList(0, pageSize);
    String next = cursor.after(page.get(pageSize - 1).submitSeq()).encode();
    return new RunPage(page.stream().map(ListedRun::summary).toList(), next);
  }

  private static RunSummary toSummary(ResultSet row, StatementContext ctx) throws SQLException {
    RunSummary.Builder summary =
        RunSummary.newBuilder()
            .setRunId(row.getString("run_id"))
            .setName(row.getString("name"))
            .setStatusValue(row.getInt("status"))
            .setCreateTime(EpochMicros.toTimestamp(row.getLong("create_time_us")));
    long ended = row.getLong("end_time_us");
    if (!row.wasNull()) {
      summary.setEndTime(EpochMicros.toTimestamp(ended));
    }
    return summary.build();
  }

  /** A listed run with its keyset position. */
  private record ListedRun(RunSummary summary, long submitSeq) {}
}
