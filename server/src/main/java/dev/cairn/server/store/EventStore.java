package dev.cairn.server.store;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The durable, append-only log of events and the runs projection derived from it.
 *
 * <p>This is the storage port of the engine: one adapter per database implements it (each in a
 * package of its own, chosen by {@link EventStores} from the store URL), and {@code
 * EventStoreContractTest} holds the behaviour every adapter must show. Reads may be called from any
 * thread; {@link #append} and {@link #rebuildProjection} are meant for the single writer thread.
 *
 * <p>A store that finds its file damaged says so with {@link StoreCorruptException}, from any
 * method: a damaged row is never returned as another fact, and a run whose row or events cannot be
 * found while the other half of the store holds it is reported as damage, never as absent.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Appends the events in one transaction together with the runs-projection updates they imply, and
   * returns them as stored (global_seq assigned, gap-free: last+1, last+2...).
   *
   * <p>Each event already carries run_id, run_seq, time and a payload; any global_seq it carries is
   * replaced. run_seq must continue its run's sequence exactly (1 for the first event of a run,
   * else previous+1) and a run must start with RunSubmitted, whose non-empty request_id must be
   * unused; otherwise the whole batch is rejected with {@link StoreConflictException} and nothing
   * is written. Returns only after the commit is durable. Any database or I/O failure rolls back
   * and throws {@link StoreException}; the store then refuses further appends (fails closed) until
   * reopened. A store on a database server may instead throw {@link StoreUnreachableException} when
   * the connection broke: it stays usable, and if the append's outcome is unknown, the next append
   * must begin with the same events; the store returns them as they landed, or appends them.
   *
   * @throws IllegalArgumentException if an event lacks a run id, a time or a payload
   */
  List<Event> append(List<Event> events);

  /** Events of one run with run_seq > afterRunSeq, ascending, at most limit. */
  List<Event> readRun(String runId, long afterRunSeq, int limit);

  /** Events of all runs with global_seq > afterGlobalSeq, ascending, at most limit. */
  List<Event> readAll(long afterGlobalSeq, int limit);

  /**
   * {@link #readRun} as the events' bytes, checked as that reads them. A store that holds the bytes
   * answers without parsing them; this default encodes what {@link #readRun} parsed.
   */
  default List<EncodedEvent> readRunEncoded(String runId, long afterRunSeq, int limit) {
    return readRun(runId, afterRunSeq, limit).stream().map(EncodedEvent::of).toList();
  }

  /** {@link #readAll} as the events' bytes, as {@link #readRunEncoded}. */
  default List<EncodedEvent> readAllEncoded(long afterGlobalSeq, int limit) {
    return readAll(afterGlobalSeq, limit).stream().map(EncodedEvent::of).toList();
  }

  /** The global_seq of the last committed event, or 0 when the store is empty. */
  long lastGlobalSeq();

  /** The run created by a RunSubmitted carrying this request_id, if any. */
  Optional<String> runIdForRequest(String requestId);

  /** The run's row of the runs projection, if the run exists. */
  Optional<RunSummary> findRun(String runId);

  /** One page of runs, newest first, with keyset pagination that is stable while runs arrive. */
  RunPage listRuns(RunQuery query);

  /** Ids of the runs whose RunSubmitted names this run as rerun_of, oldest first. */
  List<String> rerunsOf(String runId);

  /** Ids of runs whose projection status is RUNNING or CANCELLING (for recovery), oldest first. */
  List<String> unfinishedRunIds();

  /** Recomputes the runs projection from the events in one transaction. */
  void rebuildProjection();

  /**
   * Removes one finished run whole, in one transaction: its events, its projection row, and leaves
   * a tombstone ({@link RemovedRun}) in their place. This is the only path by which a store ever
   * deletes events; the store refuses every other UPDATE or DELETE of them. Global sequence numbers
   * of the removed events are never assigned again. Removing a run already removed returns its
   * tombstone unchanged.
   *
   * @return the tombstone, or empty when no run has this id
   * @throws RunStillLiveException if the run has not ended
   */
  Optional<RemovedRun> removeRun(String runId, RemovedRun.Cause cause, Instant removedAt);

  /**
   * Drops the tombstones of runs removed before the time, oldest first, at most limit, and returns
   * how many. The highest global_seq removed is kept regardless, so numbers are still never reused.
   */
  int forgetRemovedRuns(Instant removedBefore, int limit);

  /** The tombstone of a removed run, if this run was removed and its tombstone is still kept. */
  Optional<RemovedRun> findRemovedRun(String runId);

  /**
   * Ids of finished runs that ended before the time, those that ended first first, at most limit.
   */
  List<String> runsEndedBefore(Instant endedBefore, int limit);

  /** Where the kept log begins, for telling a resuming watcher what it can still read. */
  LogHorizon logHorizon();

  /**
   * Runs {@code work} unless another server sharing this store is running the same task now, and
   * says whether it ran: for maintenance that must run on one server at a time, such as retention.
   * A store only one server opens at a time always runs it. The exclusion is as strong as the
   * database's session lock: if this server's connection to the database is lost while the work
   * runs, another server may start the task before this one notices, so the work must stay safe to
   * run twice (each of its writes is a transaction that checks what it changes).
   */
  default boolean exclusively(String task, Runnable work) {
    work.run();
    return true;
  }

  /**
   * Gives back to the file system some of the space removed runs left free, a bounded amount per
   * call so that the writer is held only briefly. A store whose database reclaims space by itself
   * does nothing.
   */
  default void reclaimSpace() {}

  /** Counters since open: commits (append transactions committed) and events appended. */
  StoreStats stats();

  /**
   * Calls the listener when the store finds its file damaged ({@link StoreCorruptException}), on
   * the thread that found it, once: the store then refuses appends, and the server must stop taking
   * work. An adapter that cannot find damage never calls it.
   */
  default void onCorruption(Consumer<StoreCorruptException> listener) {}

  /**
   * How many reads the store serves at once without making one wait for another: the server sizes
   * its pools of store-reading threads by it.
   */
  default int readConcurrency() {
    return 4;
  }

  /**
   * What the store found when it opened that an operator may want to know after a crash, such as
   * how much of a log it replayed; empty when there is nothing to say.
   */
  default String openingNote() {
    return "";
  }

  /**
   * The schedules' log in the same database. A store that keeps no schedules throws {@link
   * UnsupportedOperationException}.
   */
  default ScheduleLog scheduleLog() {
    throw new UnsupportedOperationException("this store keeps no schedules");
  }

  /**
   * The side channel of the nodes sharing this store (commands, what each serves, notifications),
   * when the store was opened for one node of several; empty for a store one server owns alone.
   */
  default Optional<ClusterAccess> cluster() {
    return Optional.empty();
  }

  /** Closes the store; later calls throw {@link StoreException}. Idempotent. */
  @Override
  void close();

  /**
   * Which node owns which run, when the store was opened for a node of several sharing it; empty
   * for a store one server has to itself.
   */
  default java.util.Optional<RunOwnership> ownership() {
    return java.util.Optional.empty();
  }
}
