package dev.cairn.server.runtime;

import dev.cairn.server.store.RunOwnership;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Keeps a node's run leases alive, and tells the node when it must stop working on its runs before
 * another node may take them (self-fencing).
 *
 * <p>It renews every third of the lease time. The deadline is measured on this node's monotonic
 * clock from the moment the last successful renewal was <em>sent</em>: the database cannot have
 * extended a lease past that moment plus the lease time, whatever happened to the answer. The
 * listener hears {@link Listener#mustStop} once the deadline minus the margin has passed without a
 * newer successful renewal; the margin must cover stopping every process of the node's runs (the
 * stop grace) and the rate difference between this clock and the database's over one lease time, so
 * that the processes are gone before the lease can expire on the database. Runs that a renewal
 * finds no longer held are reported at once ({@link Listener#lost}).
 */
public final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

  /** What the node does when it loses runs. */
  public interface Listener {
    /** These runs are no longer this node's: stop their processes and forget them. */
    void lost(Set<String> runIds);

    /**
     * No renewal succeeded in time: stop every process of every run now, since another node may
     * take them once the margin has passed. Called once, then the keeper stops.
     */
    void mustStop(String reason);
  }

  private final RunOwnership ownership;
  private final long leaseNanos;
  private final long marginNanos;
  private final LongSupplier nanoClock;
  private final Listener listener;
  private final ScheduledExecutorService timer;
  // The deadline is watched on a thread of its own: a renewal that hangs on a database that does
  // not answer (a partition drops packets, nothing resets the connection) must not keep the node
  // from stopping its processes in time.
  private final ScheduledExecutorService watchdog;

  /** When the last successful renewal was sent, on nanoClock; guarded by this. */
  private long lastRenewalSent;

  private boolean stopped;

  /**
   * Starts renewing at once.
   *
   * @param leaseTime the lease time the store was opened with
   * @param margin how long before the lease could expire the node must have stopped its runs
   * @param nanoClock a monotonic clock ({@code System::nanoTime})
   */
  public LeaseKeeper(
      RunOwnership ownership,
      Duration leaseTime,
      Duration margin,
      LongSupplier nanoClock,
      Listener listener) {
    if (margin.isNegative() || margin.compareTo(leaseTime) >= 0) {
      throw new IllegalArgumentException(
          "the self-fencing margin "
              + margin
              + " must be shorter than the lease time "
              + leaseTime);
    }
    this.ownership = ownership;
    this.leaseNanos = leaseTime.toNanos();
    this.marginNanos = margin.toNanos();
    this.nanoClock = nanoClock;
    this.listener = listener;
    this.lastRenewalSent = nanoClock.getAsLong();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cairn-lease-keeper");
              thread.setDaemon(true);
              return thread;
            });
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cairn-lease-deadline");
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(1, leaseNanos / 3);
    timer.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.NANOSECONDS);
    // Checked often enough that the deadline is noticed well inside the margin.
    long check = Math.max(1_000_000, Math.min(marginNanos / 4, period));
    watchdog.scheduleWithFixedDelay(this::checkDeadline, check, check, TimeUnit.NANOSECONDS);
  }

  /** The moment, on nanoClock, by which the node must have stopped its runs. */
  public synchronized long stopDeadline() {
    return lastRenewalSent + leaseNanos - marginNanos;
  }

  private void renew() {
    long sent = nanoClock.getAsLong();
    Set<String> lost;
    try {
      lost = ownership.renew();
    } catch (RuntimeException e) {
      LOG.warnf("could not renew the run leases of node %s: %s", nodeId(), e.getMessage());
      return;
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      lastRenewalSent = Math.max(lastRenewalSent, sent);
    }
    if (!lost.isEmpty()) {
      LOG.warnf("node %s no longer holds runs %s", nodeId(), lost);
      listener.lost(lost);
    }
  }

  private void checkDeadline() {
    long now = nanoClock.getAsLong();
    long late;
    synchronized (this) {
      if (stopped || now - stopDeadline() < 0) {
        return;
      }
      stopped = true;
      late = now - lastRenewalSent;
    }
    timer.shutdownNow();
    watchdog.shutdown();
    listener.mustStop(
        "node "
            + nodeId()
            + " could not renew its run leases for "
            + TimeUnit.NANOSECONDS.toMillis(late)
            + " ms (lease time "
            + TimeUnit.NANOSECONDS.toMillis(leaseNanos)
            + " ms, margin "
            + TimeUnit.NANOSECONDS.toMillis(marginNanos)
            + " ms)");
  }

  private String nodeId() {
    return ownership.node().nodeId();
  }

  /** Stops renewing; the leases then run out unless the node is closed cleanly otherwise. */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
    }
    timer.shutdownNow();
    watchdog.shutdownNow();
    try {
      // A renewal that hangs on the database is left to finish on its own; it changes nothing
      // once stopped is set.
      if (!watchdog.awaitTermination(10, TimeUnit.SECONDS)
          || !timer.awaitTermination(1, TimeUnit.SECONDS)) {
        LOG.warn("the lease keeper did not stop at once");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
