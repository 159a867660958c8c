package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.LogHorizon;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.RunStillLiveException;
import dev.cairn.server.store.Tombstones;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The removal of whole finished runs on SQLite: the guarded delete inside the writer's transaction,
 * the tombstones it leaves, and the queries retention and watchers ask about it.
 *
 * <p>The database itself enforces the path (see V5__run_removal.sql): events can be deleted only
 * while their run is named in run_removal, and a run can be named there only when its projection
 * row has ended.
 */
final class SqliteRunRemoval {
  /** Free pages given back to the file system per {@code incremental_vacuum} call. */
  static final int VACUUM_PAGES = 256;

  private SqliteRunRemoval() {}

  /** Removes the run inside the caller's write transaction; empty when no run has this id. */
  static Optional<RemovedRun> remove(
      Handle writer, String runId, RemovedRun.Cause cause, Instant removedAt) {
    Optional<Integer> status =
        writer
            .createQuery("SELECT status FROM runs WHERE run_id = :run")
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
        .createUpdate("INSERT INTO run_removal (run_id) VALUES (:run)")
        .bind("run", runId)
        .execute();
    writer.createUpdate("DELETE FROM events WHERE run_id = :run").bind("run", runId).execute();
    writer.createUpdate("DELETE FROM runs WHERE run_id = :run").bind("run", runId).execute();
    // A removed rerun is no longer listed among the reruns of the run it took up again.
    writer.createUpdate("DELETE FROM reruns WHERE run_id = :run").bind("run", runId).execute();
    writer.createUpdate("DELETE FROM run_removal WHERE run_id = :run").bind("run", runId).execute();
    RemovedRun removed = new RemovedRun(runId, removedAt, cause, lastGlobalSeq);
    Tombstones.record(writer, removed);
    writer
        .createUpdate(
            "UPDATE removal_mark SET highest_removed = MAX(highest_removed, :last) WHERE id = 1")
        .bind("last", lastGlobalSeq)
        .execute();
    return Optional.of(removed);
  }

  /**
   * {@link Tombstones#highestRemoved}, or 0 for a file whose schema predates the removal of runs.
   */
  static long highestRemovedIfKept(Handle handle) {
    boolean kept =
        handle
                .createQuery(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'removal_mark'")
                .mapTo(Integer.class)
                .one()
            > 0;
    return kept ? Tombstones.highestRemoved(handle) : 0;
  }

  /** The horizon, read in one snapshot so the oldest event and the last number agree. */
  static LogHorizon horizon(Handle handle) {
    return handle.inTransaction(
        snapshot -> {
          long highestRemoved = Tombstones.highestRemoved(snapshot);
          Optional<Long> oldest =
              snapshot
                  .createQuery("SELECT MIN(global_seq) FROM events")
                  .mapTo(Long.class)
                  .findOne()
                  .filter(seq -> seq != null && seq > 0);
          long last = EventSequencer.lastGlobalSeq(snapshot);
          return new LogHorizon(oldest.orElse(last + 1), highestRemoved);
        });
  }
}
