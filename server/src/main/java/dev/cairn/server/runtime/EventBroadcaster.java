package dev.cairn.server.runtime;

import dev.cairn.v1.Event;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Fans committed events out to live watchers. A watcher that falls behind is not allowed to hold
 * memory without bound: its queue is dropped and it is told to catch up from the store, which it
 * can do without a gap because every event there has a sequence number.
 */
public final class EventBroadcaster {
  private static final int QUEUE_CAPACITY = 4096;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** A watcher's view of the live stream. */
  public final class Subscription implements AutoCloseable {
    private final String runId;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private volatile boolean overflowed;

    private Subscription(String runId) {
      this.runId = runId;
    }

    /**
     * The next live event, or null after the timeout. Check {@link #takeOverflow()} when a gap
     * appears.
     */
    public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
      return queue.poll(timeout, unit);
    }

    /**
     * Whether the broadcaster was closed and every event published before is taken: nothing more
     * will come.
     */
    public boolean ended() {
      return closed && queue.isEmpty();
    }

    /** Whether events were dropped since the last call; clears the flag. */
    public boolean takeOverflow() {
      boolean value = overflowed;
      overflowed = false;
      return value;
    }

    private void offer(Event event) {
      if (!runId.isEmpty() && !runId.equals(event.getRunId())) {
        return;
      }
      if (!queue.offer(event)) {
        queue.clear();
        overflowed = true;
      }
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  /** Subscribes to one run's events, or to all when {@code runId} is empty. */
  public Subscription subscribe(String runId) {
    Subscription subscription = new Subscription(runId);
    subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Ends the live streams once the engine has stopped: each watcher gets what was published, then
   * {@link Subscription#ended()}.
   */
  public void close() {
    closed = true;
  }

  /** Called by the engine after each commit, in commit order. */
  void publish(List<Event> events) {
    for (Subscription subscription : subscriptions) {
      for (Event event : events) {
        subscription.offer(event);
      }
    }
  }
}
