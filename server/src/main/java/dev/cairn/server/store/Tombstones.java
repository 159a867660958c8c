package dev.cairn.server.store;

import dev.cairn.v1.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The statements about removed runs that read the same on every SQL store: the tombstones a removal
 * leaves, the finished runs retention looks for, and the highest removed sequence number. Each
 * store keeps only what its database does differently (the guarded delete itself, the check for an
 * older schema, the snapshot of the horizon).
 */
public final class Tombstones {
  /** How the {@code removed_runs.cause} column stores each cause. */
  private static final int RETENTION = 1;

  private static final int DELETE = 2;

  private Tombstones() {}

  /** The column value of a cause. */
  public static int code(RemovedRun.Cause cause) {
    return cause == RemovedRun.Cause.RETENTION ? RETENTION : DELETE;
  }

  /** Whether a run with this projection status has ended, and so may be removed. */
  public static boolean ended(int status) {
    return status == RunStatus.RUN_STATUS_SUCCEEDED_VALUE
        || status == RunStatus.RUN_STATUS_FAILED_VALUE
        || status == RunStatus.RUN_STATUS_CANCELLED_VALUE;
  }

  /** The tombstone of a removed run, if it is still kept. */
  public static Optional<RemovedRun> find(Handle handle, String runId) {
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

  /** The highest global sequence number among the run's events, 0 when it has none. */
  public static long lastGlobalSeq(Handle writer, String runId) {
    return writer
        .createQuery("SELECT COALESCE(MAX(global_seq), 0) FROM events WHERE run_id = :run")
        .bind("run", runId)
        .mapTo(Long.class)
        .one();
  }

  /** Records the tombstone of a run just removed, in the caller's write transaction. */
  public static void record(Handle writer, RemovedRun removed) {
    writer
        .createUpdate(
            "INSERT INTO removed_runs (run_id, removed_at_us, cause, last_global_seq)"
                + " VALUES (:run, :at, :cause, :last)")
        .bind("run", removed.runId())
        .bind("at", micros(removed.removedAt()))
        // A short, as one store keeps the cause in a smallint column.
        .bind("cause", (short) code(removed.cause()))
        .bind("last", removed.lastGlobalSeq())
        .execute();
  }

  /** Finished runs that ended before the time, those that ended first first, at most limit. */
  public static List<String> endedBefore(Handle handle, Instant endedBefore, int limit) {
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
  public static int forget(Handle writer, Instant removedBefore, int limit) {
    return writer
        .createUpdate(
            "DELETE FROM removed_runs WHERE run_id IN (SELECT run_id FROM removed_runs"
                + " WHERE removed_at_us < :before ORDER BY removed_at_us LIMIT :limit)")
        .bind("before", micros(removedBefore))
        .bind("limit", limit)
        .execute();
  }

  /** The highest global sequence number any removal took out of the log, 0 when none. */
  public static long highestRemoved(Handle handle) {
    return handle
        .createQuery("SELECT highest_removed FROM removal_mark WHERE id = 1")
        .mapTo(Long.class)
        .one();
  }

  /** Microseconds since the epoch, as the removal columns keep times. */
  public static long micros(Instant time) {
    return Math.addExact(
        Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }
}
