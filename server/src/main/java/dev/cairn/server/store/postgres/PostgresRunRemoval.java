package dev.cairn.server.store.postgres;

import dev.cairn.server.store.LogHorizon;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.RunStillLiveException;
import dev.cairn.v1.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The removal of whole finished runs on PostgreSQL: the guarded delete inside the writer's
 * transaction, the tombstones it leaves, and the queries retention and watchers ask about it.
 *
 * <p>The database itself enforces the path (see V4__run_removal.sql): events can be deleted only
 * for the run the transaction names in {@code cairn.removing_run}, and only while its projection
 * row has ended. Space comes back through PostgreSQL's autovacuum, which needs nothing from here.
 */
final class PostgresRunRemoval {
  private static final int RETENTION = 1;
  private static final int DELETE = 2;

  private PostgresRunRemoval() {}

  /** Removes the run inside the caller's write transaction; empty when no run has this id. */
  static Optional<RemovedRun> remove(
      Handle writer, String runId, RemovedRun.Cause cause, Instant removedAt) {
    // The row lock keeps another server's removal of the same run waiting until this one commits.
    Optional<Integer> status =
        writer
            .createQuery("SELECT status FROM runs WHERE run_id = :run FOR UPDATE")
            .bind("run", runId)
            .mapTo(Integer.class)
            .findOne();
    if (status.isEmpty()) {
      return find(writer, runId);
    }
    if (!ended(status.get())) {
      throw new RunStillLiveException(runId);
    }
    long lastGlobalSeq =
        writer
            .createQuery("SELECT COALESCE(MAX(global_seq), 0) FROM events WHERE run_id = :run")
            .bind("run", runId)
            .mapTo(Long.class)
            .one();
    writer
        .createQuery("SELECT set_config('cairn.removing_run', :run, true)")
        .bind("run", runId)
        .mapTo(String.class)
        .one();
    writer.createUpdate("DELETE FROM events WHERE run_id = :run").bind("run", runId).execute();
    writer
        .createQuery("SELECT set_config('cairn.removing_run', '', true)")
        .mapTo(String.class)
        .one();
    writer.createUpdate("DELETE FROM runs WHERE run_id = :run").bind("run", runId).execute();
    // A removed rerun is no longer listed among the reruns of the run it took up again.
    writer.createUpdate("DELETE FROM reruns WHERE run_id = :run").bind("run", runId).execute();
    writer
        .createUpdate(
            "INSERT INTO removed_runs (run_id, removed_at_us, cause, last_global_seq)"
                + " VALUES (:run, :at, :cause, :last)")
        .bind("run", runId)
        .bind("at", micros(removedAt))
        .bind("cause", (short) (cause == RemovedRun.Cause.RETENTION ? RETENTION : DELETE))
        .bind("last", lastGlobalSeq)
        .execute();
    writer
        .createUpdate(
            "UPDATE removal_mark SET highest_removed = GREATEST(highest_removed, :last) WHERE id = 1")
        .bind("last", lastGlobalSeq)
        .execute();
    return Optional.of(new RemovedRun(runId, removedAt, cause, lastGlobalSeq));
  }

  static Optional<RemovedRun> find(Handle handle, String runId) {
    return handle
        .createQuery(
            "SELECT run_id, removed_at_us, cause, last_global_seq FROM removed_runs"
                + " WHERE run_id = :run")
        .bind("run", runId)
        .map(
            (row, ctx) ->
                new RemovedRun(
                    row.getString(1),
                    instant(row.getLong(2)),
                    row.getInt(3) == RETENTION
                        ? RemovedRun.Cause.RETENTION
                        : RemovedRun.Cause.DELETE,
                    row.getLong(4)))
        .findOne();
  }

  static List<String> endedBefore(Handle handle, Instant endedBefore, int limit) {
    return handle
        .createQuery(
            "SELECT run_id FROM runs WHERE end_time_us IS NOT NULL AND end_time_us < :before"
                + " AND status IN (3, 4, 5) ORDER BY end_time_us LIMIT :limit")
        .bind("before", micros(endedBefore))
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  /** Drops tombstones of runs removed before the time, oldest first, at most limit. */
  static int forget(Handle writer, Instant removedBefore, int limit) {
    return writer
        .createUpdate(
            "DELETE FROM removed_runs WHERE run_id IN (SELECT run_id FROM removed_runs"
                + " WHERE removed_at_us < :before ORDER BY removed_at_us LIMIT :limit)")
        .bind("before", micros(removedBefore))
        .bind("limit", limit)
        .execute();
  }

  static long highestRemoved(Handle handle) {
    return handle
        .createQuery("SELECT highest_removed FROM removal_mark WHERE id = 1")
        .mapTo(Long.class)
        .one();
  }

  /** {@link #highestRemoved}, or 0 for a database whose schema predates the removal of runs. */
  static long highestRemovedIfKept(Handle handle) {
    boolean kept =
        handle
            .createQuery("SELECT to_regclass('removal_mark') IS NOT NULL")
            .mapTo(Boolean.class)
            .one();
    return kept ? highestRemoved(handle) : 0;
  }

  /** The horizon, read in one snapshot so the oldest event and the last number agree. */
  static LogHorizon horizon(Handle handle) {
    return handle.inTransaction(
        TransactionIsolationLevel.REPEATABLE_READ,
        snapshot -> {
          long highestRemoved = highestRemoved(snapshot);
          Long oldest =
              snapshot.createQuery("SELECT MIN(global_seq) FROM events").mapTo(Long.class).one();
          long last =
              snapshot
                  .createQuery("SELECT last_global_seq FROM log_head WHERE id = 1")
                  .mapTo(Long.class)
                  .one();
          return new LogHorizon(oldest == null ? last + 1 : oldest, highestRemoved);
        });
  }

  private static boolean ended(int status) {
    return status == RunStatus.RUN_STATUS_SUCCEEDED_VALUE
        || status == RunStatus.RUN_STATUS_FAILED_VALUE
        || status == RunStatus.RUN_STATUS_CANCELLED_VALUE;
  }

  private static long micros(Instant time) {
    return Math.addExact(
        Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }
}
