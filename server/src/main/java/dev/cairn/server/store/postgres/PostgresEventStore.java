package dev.cairn.server.store.postgres;

import dev.cairn.server.store.AppendRules;
import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.LogHorizon;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.ReadChecks;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.RunLease;
import dev.cairn.server.store.RunListCursor;
import dev.cairn.server.store.RunOwnership;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.server.store.ScheduleLog;
import dev.cairn.server.store.ScheduleRows;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreStats;
import dev.cairn.server.store.StoreUnreachableException;
import dev.cairn.server.store.Tombstones;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSummary;
import dev.cairn.v1.ScheduleEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The event store on a PostgreSQL database, which several servers may share.
 *
 * <p>One long-lived writer connection per store serves {@link #append} and {@link
 * #rebuildProjection}, which are synchronized; the writers of all stores on the database take turns
 * on the log head row (see {@link PostgresAppend}). Reads use pooled connections and see the last
 * committed state.
 */
public final class PostgresEventStore implements EventStore {
  // One lock per maintenance task across every server on the database; hashtext spreads the
  // names over the lock space, which other applications on the same database rarely use.
  private static final String TASK_LOCK_PREFIX = "cairn:";
  private static final String TRY_TASK_LOCK = "SELECT pg_try_advisory_lock(hashtext(?))";

  private final PostgresAddress address;
  private final PostgresConnections connections;
  private final Jdbi readers;

  /** The writer's connection and what it knows of its failures; guarded by this. */
  private final PostgresWriter writer;

  /** The node this store writes for, or null when the store is not shared by nodes. */
  private final PostgresNode node;

  private volatile boolean closed;
  private volatile StoreStats stats = new StoreStats(0, 0);

  private PostgresEventStore(
      PostgresAddress address, PostgresConnections connections, Handle writer, PostgresNode node) {
    this.address = address;
    this.connections = connections;
    this.readers = Jdbi.create(connections);
    this.writer = new PostgresWriter(address, connections, writer);
    this.node = node;
  }

  /**
   * Connects to the database and brings its schema up to date.
   *
   * @throws StoreException if the database cannot be reached or migrated
   */
  static PostgresEventStore open(PostgresAddress address) {
    return open(address, null);
  }

  /**
   * Connects as the given node (null for none), registering it, and brings the schema up to date.
   *
   * @throws StoreException if the database cannot be reached or migrated
   */
  static PostgresEventStore open(PostgresAddress address, PostgresNode node) {
    PostgresConnections connections = new PostgresConnections(address);
    try {
      PostgresSchema.migrate(connections.dataSource(), address.display());
      Handle writer = Jdbi.open(connections.openDedicated());
      if (node != null) {
        try {
          writer.useTransaction(node::register);
        } catch (RuntimeException e) {
          writer.close();
          throw e;
        }
      }
      return new PostgresEventStore(address, connections, writer, node);
    } catch (SQLException | JdbiException e) {
      connections.close();
      throw new StoreException(
          "could not open the event store " + address + ": " + PostgresErrors.describe(e), e);
    } catch (RuntimeException e) {
      connections.close();
      throw e;
    }
  }

  @Override
  public int readConcurrency() {
    return PostgresConnections.MAX_IDLE;
  }

  @Override
  public synchronized List<Event> append(List<Event> events) {
    requireWritable();
    events.forEach(AppendRules::requireWellFormed);
    if (events.isEmpty()) {
      return List.of();
    }
    try {
      List<Event> landed = writer.settleInDoubt(events);
      if (node != null) {
        node.committed(landed);
      }
      List<Event> rest = events.subList(landed.size(), events.size());
      List<Event> stored =
          rest.isEmpty()
              ? List.of()
              : writer.inTransaction("append events", h -> PostgresAppend.append(h, rest, node));
      if (node != null) {
        node.committed(stored);
      }
      StoreStats before = stats;
      stats = new StoreStats(before.commits() + 1, before.eventsAppended() + stored.size());
      if (landed.isEmpty()) {
        return stored;
      }
      List<Event> all = new ArrayList<>(landed);
      all.addAll(stored);
      return all;
    } catch (StoreUnreachableException e) {
      // Whatever of this batch landed, the caller learns it on its next append, which begins with
      // the same events.
      writer.inDoubt(events);
      throw e;
    }
  }

  @Override
  public ScheduleLog scheduleLog() {
    return scheduleLog;
  }

  /**
   * Appends on the writer. Two servers on one database may both append to a schedule: the primary
   * key on (schedule_id, schedule_seq) lets only one of them have each number, and the other is
   * told of the conflict.
   */
  private synchronized void appendSchedule(List<ScheduleEvent> events) {
    requireWritable();
    ScheduleRows.requireWellFormed(events);
    if (events.isEmpty()) {
      return;
    }
    writer.inTransaction(
        "append schedule events",
        handle -> {
          // A unique violation (another server took the number) is classified as a conflict.
          ScheduleRows.append(handle, events);
          return null;
        });
  }

  /**
   * Takes the session-level advisory lock that elects the one server firing schedules, on the
   * writer's connection, so that it is held exactly as long as this server can write: it goes with
   * the connection when the server dies or loses the database, and a writer that connected again
   * must win it again.
   */
  private synchronized boolean leadFiring() {
    requireWritable();
    return writer.holdSessionLock(SCHEDULE_LEAD_LOCK, "learn which server fires schedules");
  }

  /** The advisory lock key of schedule firing: "cairnSCH" in ASCII, clear of other users. */
  private static final long SCHEDULE_LEAD_LOCK = 0x636169726e534348L;

  private final ScheduleLog scheduleLog =
      new ScheduleLog() {
        @Override
        public void appendSchedule(List<ScheduleEvent> events) {
          PostgresEventStore.this.appendSchedule(events);
        }

        @Override
        public boolean leadsFiring() {
          return leadFiring();
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
    writer.inTransaction(
        "rebuild the runs projection",
        handle -> {
          // Appends of other servers wait on the log head while the rows are replaced.
          handle.execute("SELECT last_global_seq FROM log_head WHERE id = 1 FOR UPDATE");
          PostgresRuns.rebuild(handle);
          return null;
        });
  }

  @Override
  public synchronized Optional<RemovedRun> removeRun(
      String runId, RemovedRun.Cause cause, Instant removedAt) {
    requireWritable();
    return writer.inTransaction(
        "remove run " + runId,
        handle -> PostgresRunRemoval.remove(handle, runId, cause, removedAt));
  }

  @Override
  public synchronized int forgetRemovedRuns(Instant removedBefore, int limit) {
    requireWritable();
    return writer.inTransaction(
        "forget tombstones",
        handle -> Tombstones.forget(handle, removedBefore, requireLimit(limit)));
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

  /**
   * Holds a session advisory lock named after the task on a connection of its own while the work
   * runs; a server that cannot take it at once skips the work. Closing the connection releases the
   * lock even when unlocking fails, and the database releases it when the session dies.
   */
  @Override
  public boolean exclusively(String task, Runnable work) {
    requireOpen();
    try (Connection session = connections.openDedicated();
        PreparedStatement lock = session.prepareStatement(TRY_TASK_LOCK)) {
      lock.setString(1, TASK_LOCK_PREFIX + task);
      try (ResultSet taken = lock.executeQuery()) {
        if (!taken.next() || !taken.getBoolean(1)) {
          return false;
        }
      }
      work.run();
      return true;
    } catch (SQLException e) {
      connections.dropIdle();
      throw new StoreException(
          "could not take the lock of "
              + task
              + " on "
              + address
              + ": "
              + PostgresErrors.describe(e),
          e);
    }
  }

  @Override
  public LogHorizon logHorizon() {
    return read("the oldest kept event", PostgresRunRemoval::horizon);
  }

  @Override
  public Optional<ClusterAccess> cluster() {
    return node == null
        ? Optional.empty()
        : Optional.of(new PostgresClusterAccess(address, connections, readers, node));
  }

  /** The ownership of runs among nodes, when the store was opened for a node. */
  @Override
  public Optional<RunOwnership> ownership() {
    return node == null ? Optional.empty() : Optional.of(new Ownership());
  }

  /** The node's side of the store: its leases, taken and renewed on the writer. */
  private final class Ownership implements RunOwnership {
    @Override
    public NodeIdentity node() {
      return node.identity();
    }

    @Override
    public List<NodeRecord> nodes() {
      return read("the nodes", PostgresNode::nodes);
    }

    @Override
    public Optional<RunLease> acquire(String runId) {
      synchronized (PostgresEventStore.this) {
        requireWritable();
        Optional<RunLease> lease =
            writer.inTransaction("take the lease of run " + runId, h -> node.acquire(h, runId));
        lease.ifPresent(node::acquired);
        return lease;
      }
    }

    @Override
    public Set<String> renew() {
      synchronized (PostgresEventStore.this) {
        requireWritable();
        return writer.inTransaction(
            "renew the leases of node " + node.identity().nodeId(), node::renew);
      }
    }

    @Override
    public List<String> orphanedRuns(int limit) {
      return read("runs no node holds", h -> PostgresNode.orphanedRuns(h, requireLimit(limit)));
    }

    @Override
    public void rejoin() {
      synchronized (PostgresEventStore.this) {
        requireWritable();
        writer.inTransaction(
            "rejoin as node " + node.identity().nodeId(),
            handle -> {
              node.rejoin(handle);
              return null;
            });
        node.forgetHeld();
      }
    }

    @Override
    public Optional<RunLease> leaseOf(String runId) {
      return read("the lease of run " + runId, h -> PostgresNode.leaseOf(h, runId));
    }
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
                          + PostgresRows.EVENT_COLUMNS
                          + " FROM events WHERE run_id = :run AND run_seq > :after"
                          + " ORDER BY run_seq LIMIT :limit")
                  .bind("run", runId)
                  .bind("after", afterRunSeq)
                  .bind("limit", limit)
                  .map((row, ctx) -> PostgresRows.event(row))
                  .list();
          ReadChecks.requireRunContinues(runId, afterRunSeq, events);
          if (events.isEmpty()
              && afterRunSeq == 0
              && PostgresRuns.inOneSnapshot(
                  handle,
                  snapshot ->
                      PostgresRuns.hasRow(snapshot, runId)
                          && !PostgresRuns.hasEvents(snapshot, runId))) {
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
                          + PostgresRows.EVENT_COLUMNS
                          + " FROM events WHERE global_seq > :after"
                          + " ORDER BY global_seq LIMIT :limit")
                  .bind("after", afterGlobalSeq)
                  .bind("limit", limit)
                  .map((row, ctx) -> PostgresRows.event(row))
                  .list();
          ReadChecks.requireLogContinues(
              afterGlobalSeq, events, () -> Tombstones.highestRemoved(handle));
          return events;
        });
  }

  @Override
  public long lastGlobalSeq() {
    return read(
        "the last global_seq",
        handle ->
            handle
                .createQuery("SELECT last_global_seq FROM log_head WHERE id = 1")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public Optional<String> runIdForRequest(String requestId) {
    if (requestId.isEmpty()) {
      return Optional.empty();
    }
    return read(
        "the run of a request_id", handle -> PostgresRuns.runIdForRequest(handle, requestId));
  }

  @Override
  public List<String> rerunsOf(String runId) {
    return read("the reruns of run " + runId, handle -> PostgresRuns.rerunsOf(handle, runId));
  }

  @Override
  public Optional<RunSummary> findRun(String runId) {
    return read("run " + runId, handle -> PostgresRuns.find(handle, runId));
  }

  @Override
  public RunPage listRuns(RunQuery query) {
    RunListCursor cursor = RunListCursor.of(query);
    return read("the run list", handle -> PostgresRuns.list(handle, query, cursor));
  }

  @Override
  public List<String> unfinishedRunIds() {
    return read("unfinished runs", PostgresRuns::unfinishedRunIds);
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
      try {
        writer.close();
      } finally {
        connections.close();
      }
    }
  }

  private <T> T read(String what, HandleCallback<T, RuntimeException> query) {
    requireOpen();
    try {
      return readers.withHandle(query);
    } catch (JdbiException e) {
      connections.dropIdle();
      if (PostgresErrors.connectionLost(e)) {
        // The idle connection died with a restart of the database; a new one may well work, and a
        // read is safe to run again.
        try {
          return readers.withHandle(query);
        } catch (JdbiException again) {
          connections.dropIdle();
          e = again;
        }
      }
      throw new StoreException(
          "could not read " + what + " from " + address + ": " + PostgresErrors.describe(e), e);
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
      throw new StoreException("the event store " + address + " is closed");
    }
  }

  private void requireWritable() {
    requireOpen();
    writer.requireWritable();
  }
}
