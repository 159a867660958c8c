package dev.cairn.server.store.postgres;

import dev.cairn.server.store.LogHorizon;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.RunStillLiveException;
import dev.cairn.server.store.Tombstones;
import java.time.Instant;
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
      return Tombstones.find(writer, runId);
    }
    if (!Tombstones.ended(status.get())) {
      throw new RunStillLiveException(runId);
    }
    long lastGlobalSeq = Tombstones.lastGlobalSeq(writer, runId);
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
    RemovedRun removed = new RemovedRun(runId, removedAt, cause, lastGlobalSeq);
    Tombstones.record(writer, removed);
    writer
        .createUpdate(
            "UPDATE removal_mark SET highest_removed = GREATEST(highest_removed, :last) WHERE id = 1")
        .bind("last", lastGlobalSeq)
        .execute();
    return Optional.of(removed);
  }

  /**
   * {@link Tombstones#highestRemoved}, or 0 for a database whose schema predates the removal of
   * runs.
   */
  static long highestRemovedIfKept(Handle handle) {
    boolean kept =
        handle
            .createQuery("SELECT to_regclass('removal_mark') IS NOT NULL")
            .mapTo(Boolean.class)
            .one();
    return kept ? Tombstones.highestRemoved(handle) : 0;
  }

  /** The horizon, read in one snapshot so the oldest event and the last number agree. */
  static LogHorizon horizon(Handle handle) {
    return handle.inTransaction(
        TransactionIsolationLevel.REPEATABLE_READ,
        snapshot -> {
          long highestRemoved = Tombstones.highestRemoved(snapshot);
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
}
