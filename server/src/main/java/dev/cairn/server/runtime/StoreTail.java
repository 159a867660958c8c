package dev.cairn.server.runtime;

import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Feeds a broadcaster from the store's log instead of from this server's own commits, for a store
 * that several servers write: every event any of them commits reaches this server's watchers, in
 * global_seq order.
 *
 * <p>That order is the commit order across all writers (the log head is locked by every append), so
 * reading the log after the last global_seq published misses nothing and repeats nothing; the
 * watchers' own hand-over from the store to the live stream (see {@link EventWatch}) is the same as
 * with a single writer, because the tail, too, publishes only what is committed. It is woken when a
 * commit is notified ({@link #eventsCommitted()}) and looks at the head on every {@link #tick()}
 * besides, in case a notification was lost.
 *
 * <p>While no one watches it reads only the head, on ticks: it moves its position to a head read
 * before it saw that no one watched, so a watcher that subscribes later is published every event
 * committed after it subscribed.
 */
public final class StoreTail implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StoreTail.class);

  /** Events read from the store at once. */
  static final int PAGE = 512;

  private final EventStore store;
  private final EventBroadcaster broadcaster;
  private final ExecutorService thread;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private volatile long position;
  private boolean reported;

  /** Starts at the store's head: the watchers read what is before it from the store. */
  public StoreTail(EventStore store, EventBroadcaster broadcaster) {
    this.store = store;
    this.broadcaster = broadcaster;
    this.position = store.lastGlobalSeq();
    this.thread =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread tail = new Thread(runnable, "cairn-store-tail");
              tail.setDaemon(true);
              return tail;
            });
  }

  /** Events were committed: publish them, when anyone watches. Never blocks. */
  public void eventsCommitted() {
    if (broadcaster.watchers() > 0) {
      schedule();
    }
  }

  /** Time passed: look at the head, whether or not a notification came. Never blocks. */
  public void tick() {
    schedule();
  }

  /** The last global_seq published (or skipped while no one watched). */
  public long position() {
    return position;
  }

  private void schedule() {
    again.set(true);
    if (!queued.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(this::drain);
    } catch (RejectedExecutionException closed) {
      queued.set(false);
    }
  }

  private void drain() {
    try {
      while (again.getAndSet(false)) {
        pass();
      }
    } finally {
      queued.set(false);
      // A wake between the loop's last look and the reset above would be lost without this.
      if (again.get()) {
        schedule();
      }
    }
  }

  private void pass() {
    try {
      // The head first, then whether anyone watches: see the class comment.
      long head = store.lastGlobalSeq();
      if (broadcaster.watchers() == 0) {
        position = Math.max(position, head);
        return;
      }
      List<Event> events;
      do {
        events = store.readAll(position, PAGE);
        if (!events.isEmpty()) {
          broadcaster.publish(events);
          position = events.get(events.size() - 1).getGlobalSeq();
        }
      } while (events.size() == PAGE);
      reported = false;
    } catch (RuntimeException e) {
      // The next notification or tick tries again from the same position: nothing is skipped.
      if (!reported) {
        LOG.warnf("could not read new events from the store for the watchers: %s", e.getMessage());
        reported = true;
      }
    }
  }

  /**
   * Publishes what was committed until now (the engine's last events, when it closed first), then
   * stops tailing; the broadcaster is closed by its owner.
   */
  @Override
  public void close() {
    tick();
    thread.shutdown();
    try {
      if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
