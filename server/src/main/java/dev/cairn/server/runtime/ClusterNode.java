package dev.cairn.server.runtime;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RunLease;
import dev.cairn.server.store.RunOwnership;
import dev.cairn.v1.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A server's life as a node of a cluster, around its engine: it keeps the leases of its runs
 * ({@link LeaseKeeper}), takes over runs whose owner stopped renewing, and fences itself when it
 * cannot renew in time.
 *
 * <p>The takeover pass runs on its own thread every half lease time: it asks the database for
 * unfinished runs that no live lease holds, takes each one's lease (a higher epoch, so that the old
 * owner can never append again), reads its log, and hands it to the engine, which recovers it as a
 * start does: the old owner's running attempts become LOST and their retry policies decide.
 *
 * <p>When the lease keeper says stop, the node stops every process of its runs on the keeper's
 * thread and waits until they are gone, forgets its runs, and refuses submits; the takeover thread
 * then tries to join again (a heartbeat, and the leases it still held let go) until the database
 * answers, and the node competes for runs as before.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ClusterNode.class);
  private static final int TAKEOVER_BATCH = 64;

  private final Engine engine;
  private final EventStore store;
  private final RunOwnership ownership;
  private final Duration leaseTime;
  private final Duration margin;
  private final ScheduledExecutorService worker;
  private final Object keeperLock = new Object();
  private LeaseKeeper keeper;
  private volatile boolean takingOver;
  private volatile boolean closed;
  private String lastTakeoverFailure;
  private String lastRejoinFailure;

  /**
   * @param leaseTime the lease time the store was opened with
   * @param margin how long before its lease could expire a node must have stopped its processes;
   *     more than the stop grace, since a stop is SIGTERM, the grace, then SIGKILL
   */
  public ClusterNode(
      Engine engine,
      EventStore store,
      RunOwnership ownership,
      Duration leaseTime,
      Duration margin) {
    this.engine = engine;
    this.store = store;
    this.ownership = ownership;
    this.leaseTime = leaseTime;
    this.margin = margin;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cairn-cluster");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts renewing the leases this node takes; called before recovery takes any. */
  public void keepLeases() {
    synchronized (keeperLock) {
      keeper = new LeaseKeeper(ownership, leaseTime, margin, System::nanoTime, new Listener());
    }
  }

  /** Starts the takeover pass; called once the engine took work. */
  public void startTakeovers() {
    takingOver = true;
    long period = Math.max(100, leaseTime.toMillis() / 2);
    worker.scheduleWithFixedDelay(this::takeOver, period, period, TimeUnit.MILLISECONDS);
  }

  /** Takes over the runs no live lease holds, one at a time; never on the engine thread. */
  private void takeOver() {
    if (closed || !takingOver || engine.nodeRuns().fenced()) {
      return;
    }
    try {
      List<String> orphans = ownership.orphanedRuns(TAKEOVER_BATCH);
      Set<String> mine = engine.nodeRuns().liveRunIds();
      for (String runId : orphans) {
        if (mine.contains(runId) || closed || engine.nodeRuns().fenced()) {
          continue;
        }
        Optional<RunLease> lease = ownership.acquire(runId);
        if (lease.isEmpty()) {
          continue;
        }
        // Read after the lease is ours: the earlier owner can append nothing more, so this is the
        // whole log the run will ever have from before this node.
        List<Event> log = store.readRun(runId, 0, Integer.MAX_VALUE);
        LOG.infof(
            "node %s takes over run %s at epoch %d",
            ownership.node().nodeId(), runId, Long.valueOf(lease.get().epoch()));
        engine.nodeRuns().adopt(runId, log);
      }
      lastTakeoverFailure = null;
    } catch (RuntimeException e) {
      String failure = String.valueOf(e.getMessage());
      if (!failure.equals(lastTakeoverFailure)) {
        LOG.warnf("the takeover pass failed; it runs again shortly: %s", failure);
        lastTakeoverFailure = failure;
      }
    }
  }

  /** What the lease keeper reports. */
  private final class Listener implements LeaseKeeper.Listener {
    @Override
    public void lost(Set<String> runIds) {
      engine.nodeRuns().drop(runIds, "their leases expired or another node took them");
    }

    @Override
    public void mustStop(String reason) {
      LOG.errorf(
          "%s: stopping every step of this node's runs before another node may take them", reason);
      long began = System.nanoTime();
      // Past the margin less the grace, what still runs is killed at once.
      boolean gone = engine.nodeRuns().fence(margin.minus(Duration.ofMillis(200)));
      LOG.warnf(
          "every step process of this node is %s after %d ms; the node joins again once it"
              + " reaches the database",
          gone ? "gone" : "killed, some not yet reaped,",
          Long.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)));
      if (!closed) {
        worker.execute(ClusterNode.this::rejoin);
      }
    }
  }

  /** Joins again after a fence, trying every third of a lease time until the database answers. */
  private void rejoin() {
    if (closed) {
      return;
    }
    try {
      if (!engine.nodeRuns().fenceSettled()) {
        // The engine thread has not forgotten its runs yet (it may wait for the database too).
        LOG.debug("waiting for the engine to forget its runs before joining again");
        retryRejoin();
        return;
      }
      ownership.rejoin();
    } catch (RuntimeException e) {
      String failure = String.valueOf(e.getMessage());
      if (!failure.equals(lastRejoinFailure)) {
        LOG.warnf("cannot join again yet; trying again shortly: %s", failure);
        lastRejoinFailure = failure;
      }
      retryRejoin();
      return;
    }
    lastRejoinFailure = null;
    synchronized (keeperLock) {
      if (keeper != null) {
        keeper.close();
      }
      engine.nodeRuns().unfence();
      keeper = new LeaseKeeper(ownership, leaseTime, margin, System::nanoTime, new Listener());
    }
    LOG.infof("node %s joined again and takes runs over as before", ownership.node().nodeId());
  }

  private void retryRejoin() {
    if (!closed) {
      worker.schedule(this::rejoin, Math.max(50, leaseTime.toMillis() / 3), TimeUnit.MILLISECONDS);
    }
  }

  /** Whether the node is fenced now (health says not ready then). */
  public boolean fenced() {
    return engine.nodeRuns().fenced();
  }

  /** Stops renewing and taking over; the leases then run out unless the engine ended its runs. */
  @Override
  public void close() {
    closed = true;
    worker.shutdownNow();
    synchronized (keeperLock) {
      if (keeper != null) {
        keeper.close();
      }
    }
  }
}
