package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.AppendRules;
import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.LogHorizon;
import dev.cairn.server.store.ReadChecks;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.RunListCursor;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.server.store.ScheduleLog;
import dev.cairn.server.store.ScheduleRows;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreFullException;
import dev.cairn.server.store.StoreStats;
import dev.cairn.server.store.Tombstones;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSummary;
import dev.cairn.v1.ScheduleEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The event store on one SQLite database file.
 *
 * <p>One long-lived writer connection serves {@link #append} and {@link #rebuildProjection}, which
 * are synchronized: being the only writer is what makes assigning global_seq as last + 1 safe.
 * Reads use pooled read-only connections; in WAL mode they see the last committed state and never
 * wait for a commit in progress. Durability rests on WAL with synchronous=FULL, checked at open.
 */
public final class SqliteEventStore implements EventStore {
  /** Read connections kept open for reuse; readers beyond them open (and close) their own. */
  public static final int READ_CONNECTIONS = SqliteReadConnections.MAX_IDLE;

  private final Path databaseFile;
  private final long walBytesAtOpen;
  private final Handle writer;
  private final SqliteReadConnections readConnections;
  private final Jdbi readers;
  private volatile boolean closed;
  private volatile StoreStats stats = new StoreStats(0, 0);

  /** The first damage found while open, or null; once set, appends are refused. */
  private final AtomicReference<StoreCorruptException> corruption = new AtomicReference<>();

  private volatile Consumer<StoreCorruptException> corruptionListener = damage -> {};

  /** The failure that stopped appends, or null while the writer is healthy; guarded by this. */
  private StoreException writeFailure;

  // Guarded by this: the writer's sequence numbers and its event insert, prepared once.
  private final SequenceCache sequences = new SequenceCache();
  private final WriterStatements statements;

  SqliteEventStore(
      Path databaseFile, long walBytesAtOpen, Handle writer, SqliteReadConnections readers) {
    this.databaseFile = databaseFile;
    this.walBytesAtOpen = walBytesAtOpen;
    this.writer = writer;
    this.readConnections = readers;
    this.readers = Jdbi.create(readers);
    this.statements = new WriterStatements(writer.getConnection());
  }

  /**
   * Opens (creating if needed) the store in the given file, checks that the durability pragmas are
   * in force, checks the file for damage (see {@link SqliteStoreCheck}) and brings the schema up to
   * date.
   *
   * @throws StoreCorruptException if the file is damaged, is not a database, or was marked damaged
   *     while in use
   * @throws StoreException if the file cannot be opened, a pragma is not in force, or a migration
   *     fails
   */
  public static SqliteEventStore open(Path databaseFile) {
    return SqliteStoreOpening.open(databaseFile);
  }

  /** The pragmas in force on the writer connection, read now. */
  public synchronized SqlitePragmas pragmas() {
    requireOpen();
    return SqlitePragmas.readFrom(writer);
  }

  @Override
  public int readConcurrency() {
    return READ_CONNECTIONS;
  }

  /**
   * The size of the write-ahead log found at open. After a crash SQLite keeps the longest
   * consistent prefix of that log (a torn tail fails its checksums and is dropped), so this and the
   * last global_seq read next are the operator's view of what survived.
   */
  @Override
  public String openingNote() {
    return "write-ahead log found: " + walBytesAtOpen + " bytes";
  }

  @Override
  public synchronized List<Event> append(List<Event> events) {
    requireWritable();
    events.forEach(AppendRules::requireWellFormed);
    if (events.isEmpty()) {
      return List.of();
    }
    List<Event> stored =
        inWriteTransaction(
            "append events",
            () -> {
              List<Event> sequenced =
                  EventSequencer.sequence(writer, statements, sequences, events);
              statements.insertEvents(sequenced);
              sequenced.forEach(event -> RunsProjection.apply(statements, event));
              return sequenced;
            });
    sequences.committed(stored);
    StoreStats before = stats;
    stats = new StoreStats(before.commits() + 1, before.eventsAppended() + stored.size());
    return stored;
  }

  @Override
  public ScheduleLog scheduleLog() {
    return scheduleLog;
  }

  /**
   * Appends on the writer, under the same lock as the runs' events: one SQLite file has one writer
   * at a time, and waiting here is shorter than a busy timeout would be.
   */
  private synchronized void appendSchedule(List<ScheduleEvent> events) {
    requireWritable();
    ScheduleRows.requireWellFormed(events);
    if (events.isEmpty()) {
      return;
    }
    inWriteTransaction(
        "append schedule events",
        () -> {
          ScheduleRows.append(writer, events);
          return null;
        });
  }

  private final ScheduleLog scheduleLog =
      new ScheduleLog() {
        @Override
        public void appendSchedule(List<ScheduleEvent> events) {
          SqliteEventStore.this.appendSchedule(events);
        }

        @Override
        public List<String> scheduleIds() {
          return read("schedule ids", ScheduleRows::ids);
        }

        @Override
        public List<ScheduleEvent> readSchedule(String scheduleId, long afterSeq, int limit) {
          return read(
              "events of schedule " + scheduleId,
              handle -> ScheduleRows.read(handle, scheduleId, afterSeq, requireLimit(limit)));
        }
      };

  @Override
  public synchronized void rebuildProjection() {
    requireWritable();
    inWriteTransaction(
        "rebuild the runs projection",
        () -> {
          RunsProjection.rebuild(writer, statements);
          return null;
        });
  }

  @Override
  public synchronized Optional<RemovedRun> removeRun(
      String runId, RemovedRun.Cause cause, Instant removedAt) {
    requireWritable();
    Optional<RemovedRun> removed =
        inWriteTransaction(
            "remove run " + runId, () -> SqliteRunRemoval.remove(writer, runId, cause, removedAt));
    sequences.forgetRun(runId);
    return removed;
  }

  /**
   * Gives back up to {@link SqliteRunRemoval#VACUUM_PAGES} free pages. A store created before
   * incremental vacuum was turned on keeps its free pages for reuse instead (incremental_vacuum
   * does nothing there).
   */
  @Override
  public synchronized void reclaimSpace() {
    requireWritable();
    int free;
    try {
      free = writer.createQuery("PRAGMA freelist_count").mapTo(Integer.class).one();
    } catch (JdbiException e) {
      throw new StoreException("could not read the free page count of " + databaseFile, e);
    }
    if (free == 0) {
      return;
    }
    // The pragma frees one page per step of its statement, and the driver takes one step per
    // execution: it runs once per page, all in one transaction so that it costs one sync.
    inWriteTransaction(
        "reclaim free space",
        () -> {
          try (java.sql.Statement statement = writer.getConnection().createStatement()) {
            for (int page = 0; page < Math.min(free, SqliteRunRemoval.VACUUM_PAGES); page++) {
              statement.execute("PRAGMA incremental_vacuum(1)");
            }
          } catch (java.sql.SQLException e) {
            throw new StoreException(e.getMessage(), e);
          }
          return null;
        });
  }

  @Override
  public synchronized int forgetRemovedRuns(Instant removedBefore, int limit) {
    requireWritable();
    return inWriteTransaction(
        "forget tombstones", () -> Tombstones.forget(writer, removedBefore, requireLimit(limit)));
  }

  @Override
  public Optional<RemovedRun> findRemovedRun(String runId) {
    return read("the tombstone of run " + runId, handle -> Tombstones.find(handle, runId));
  }

  @Override
  public List<String> runsEndedBefore(Instant endedBefore, int limit) {
    return read(
        "runs ended before " + endedBefore,
        handle -> Tombstones.endedBefore(handle, endedBefore, requireLimit(limit)));
  }

  @Override
  public LogHorizon logHorizon() {
    return read("the oldest kept event", SqliteRunRemoval::horizon);
  }

  /**
   * Runs the work in one immediate transaction on the writer. A conflict rolls back and leaves the
   * store usable; any other failure rolls back and stops further writes, because after an I/O error
   * (a failed fsync above all) the file's state can no longer be trusted by this process.
   */
  private <T> T inWriteTransaction(String what, WriteWork<T> work) {
    try {
      statements.begin();
    } catch (StoreException e) {
      // Nothing was written, so the store stays usable; a busy or unreadable file is reported.
      throw new StoreException(
          "could not " + what + " in " + databaseFile + ": " + e.getMessage(), e);
    }
    T result;
    try {
      result = work.run();
    } catch (StoreConflictException conflict) {
      sequences.forget();
      try {
        statements.rollback();
      } catch (RuntimeException e) {
        throw failWrites(what, e);
      }
      throw conflict;
    } catch (RuntimeException e) {
      throw failWrites(what, e);
    }
    try {
      statements.commit();
    } catch (RuntimeException e) {
      throw failWrites(what, e);
    }
    return result;
  }

  private StoreException failWrites(String what, RuntimeException cause) {
    sequences.forget();
    try {
      statements.rollback();
    } catch (RuntimeException ignored) {
      // SQLite rolls back by itself after some errors; the original failure is what matters.
    }
    String message = "could not " + what + " in " + databaseFile + ": " + cause.getMessage();
    if (SqliteErrors.isDiskFull(cause)) {
      // A full disk leaves nothing half-written: SQLite rolled the transaction back whole, so
      // the store stays usable and the same append can succeed once space returns.
      return new StoreFullException(message, cause);
    }
    if (SqliteErrors.isCorrupt(cause)) {
      StoreCorruptException damage = new StoreCorruptException(message, cause);
      writeFailure = damage;
      noteCorruption(damage);
      return damage;
    }
    writeFailure = new StoreException(message, cause);
    return writeFailure;
  }

  @Override
  public List<Event> readRun(String runId, long afterRunSeq, int limit) {
    if (requireLimit(limit) == 0) {
      return List.of();
    }
    return read(
        "events of run " + runId,
        handle -> {
          List<Event> events =
              handle
                  .createQuery(
                      "SELECT "
                          + StoredRows.EVENT_COLUMNS
                          + " FROM events WHERE run_id = :run AND run_seq > :after"
                          + " ORDER BY run_seq LIMIT :limit")
                  .bind("run", runId)
                  .bind("after", afterRunSeq)
                  .bind("limit", limit)
                  .map((row, ctx) -> StoredRows.event(row))
                  .list();
          ReadChecks.requireRunContinues(runId, afterRunSeq, events);
          // Asked again in one snapshot: the run may have been committed between the lookups.
          if (events.isEmpty()
              && afterRunSeq == 0
              && handle.inTransaction(
                  snapshot ->
                      RunsProjection.hasRow(snapshot, runId)
                          && !RunsProjection.hasEvents(snapshot, runId))) {
            throw new StoreCorruptException(
                "run "
                    + runId
                    + " is in the runs projection but none of its events can be found: the"
                    + " events table or its index is damaged");
          }
          return events;
        });
  }

  @Override
  public List<Event> readAll(long afterGlobalSeq, int limit) {
    if (requireLimit(limit) == 0) {
      return List.of();
    }
    return read(
        "events",
        handle -> {
          List<Event> events =
              handle
                  .createQuery(
                      "SELECT "
                          + StoredRows.EVENT_COLUMNS
                          + " FROM events WHERE global_seq > :after"
                          + " ORDER BY global_seq LIMIT :limit")
                  .bind("after", afterGlobalSeq)
                  .bind("limit", limit)
                  .map((row, ctx) -> StoredRows.event(row))
                  .list();
          ReadChecks.requireLogContinues(
              afterGlobalSeq, events, () -> Tombstones.highestRemoved(handle));
          return events;
        });
  }

  @Override
  public List<EncodedEvent> readRunEncoded(String runId, long afterRunSeq, int limit) {
    if (requireLimit(limit) == 0) {
      return List.of();
    }
    List<EncodedEvent> events =
        read(
            "events of run " + runId,
            handle -> EncodedReads.run(handle, runId, afterRunSeq, limit));
    if (events.isEmpty() && afterRunSeq == 0) {
      // The parsed read tells a run without events from a damaged one.
      readRun(runId, afterRunSeq, limit);
    }
    return events;
  }

  @Override
  public List<EncodedEvent> readAllEncoded(long afterGlobalSeq, int limit) {
    if (requireLimit(limit) == 0) {
      return List.of();
    }
    return read("events", handle -> EncodedReads.all(handle, afterGlobalSeq, limit));
  }

  @Override
  public long lastGlobalSeq() {
    return read("the last global_seq", EventSequencer::lastGlobalSeq);
  }

  @Override
  public Optional<String> runIdForRequest(String requestId) {
    if (requestId.isEmpty()) {
      return Optional.empty();
    }
    return read(
        "the run of a request_id", handle -> RunsProjection.runIdForRequest(handle, requestId));
  }

  @Override
  public Optional<RunSummary> findRun(String runId) {
    return read("run " + runId, handle -> RunsProjection.find(handle, runId));
  }

  @Override
  public RunPage listRuns(RunQuery query) {
    RunListCursor cursor = RunListCursor.of(query);
    return read("the run list", handle -> RunsProjection.list(handle, query, cursor));
  }

  @Override
  public List<String> rerunsOf(String runId) {
    return read("the reruns of run " + runId, handle -> RunsProjection.rerunsOf(handle, runId));
  }

  @Override
  public List<String> unfinishedRunIds() {
    return read("unfinished runs", RunsProjection::unfinishedRunIds);
  }

  @Override
  public void onCorruption(Consumer<StoreCorruptException> listener) {
    corruptionListener = listener;
    StoreCorruptException found = corruption.get();
    if (found != null) {
      listener.accept(found);
    }
  }

  /**
   * Records the first damage found: appends stop, a mark beside the file makes the next open refuse
   * too (a damaged row inside a well-formed page shows only when read), and the listener hears it.
   */
  private void noteCorruption(StoreCorruptException damage) {
    if (!corruption.compareAndSet(null, damage)) {
      return;
    }
    DamageMark.write(databaseFile, damage.getMessage());
    corruptionListener.accept(damage);
  }

  @Override
  public StoreStats stats() {
    return stats;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      statements.close();
      try {
        writer.close();
      } finally {
        readConnections.close();
      }
    }
  }

  private <T> T read(String what, HandleCallback<T, RuntimeException> query) {
    requireOpen();
    try {
      return readers.withHandle(query);
    } catch (StoreCorruptException e) {
      noteCorruption(e);
      throw e;
    } catch (JdbiException e) {
      String message = "could not read " + what + " from " + databaseFile + ": ";
      if (SqliteErrors.isCorrupt(e)) {
        // A lookup that hit a damaged page must say so: the row it looked for may be there.
        StoreCorruptException damage =
            new StoreCorruptException(message + "the file is damaged: " + e.getMessage(), e);
        noteCorruption(damage);
        throw damage;
      }
      throw new StoreException(message + e.getMessage(), e);
    }
  }

  private static int requireLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, got " + limit);
    }
    return limit;
  }

  private void requireOpen() {
    if (closed) {
      throw new StoreException("the event store " + databaseFile + " is closed");
    }
  }

  private void requireWritable() {
    requireOpen();
    StoreCorruptException damage = corruption.get();
    if (damage != null) {
      throw new StoreCorruptException(
          "the event store takes no writes after damage was found in it: " + damage.getMessage(),
          damage);
    }
    if (writeFailure != null) {
      throw new StoreException(
          "the event store no longer accepts writes after an earlier failure; restart the server ("
              + writeFailure.getMessage()
              + ")",
          writeFailure);
    }
  }

  /** Work done inside a write transaction. */
  @FunctionalInterface
  private interface WriteWork<T> {
    T run();
  }
}
