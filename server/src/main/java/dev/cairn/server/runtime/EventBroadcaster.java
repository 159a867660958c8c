package dev.cairn.server.runtime;

import dev.cairn.v1.Event;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fans committed events out to live watchers, without ever making the engine thread wait for one or
 * hold memory without bound for one.
 *
 * <p>Each watcher's buffer is bounded in bytes (the serialized size of the events it holds), not in
 * events, since one RunSubmitted carries a whole spec. A watcher whose buffer would pass {@link
 * #DEFAULT_BUFFER_BYTES} has it dropped and is paused: it catches up from the store, which it can
 * do without a gap because every event there has a sequence number, and while paused it holds
 * nothing. A watcher whose client took nothing while more than {@link #DEFAULT_STALL_BYTES} of its
 * events were published is stalled: it is removed and its stream ends with {@link
 * WatcherTooSlowException}, from which the client resumes with its last sequence number.
 */
public final class EventBroadcaster {
  /** Most bytes of events one watcher may have waiting for its client. */
  public static final long DEFAULT_BUFFER_BYTES = 4L << 20;

  /** Bytes of events published for a watcher, while its client took none, that end its stream. */
  public static final long DEFAULT_STALL_BYTES = 32L << 20;

  private final long bufferBytes;
  private final long stallBytes;
  // A set, not a copy-on-write list: thousands of watchers come and go, and each would copy it.
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public EventBroadcaster() {
    this(DEFAULT_BUFFER_BYTES, DEFAULT_STALL_BYTES);
  }

  public EventBroadcaster(long bufferBytes, long stallBytes) {
    this.bufferBytes = bufferBytes;
    this.stallBytes = stallBytes;
  }

  /**
   * A watcher's view of the live stream. It starts paused: the watcher reads the store first, then
   * {@link #resume()}s and reads the store once more, so that whatever was committed before the
   * resume is read from the store and whatever after is queued here (the engine publishes only
   * after the commit). Duplicates between the two are dropped by sequence number.
   */
  public final class Subscription implements AutoCloseable {
    private final String runId;
    private final Runnable wake;
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long bytesSinceTaken;
    private boolean paused = true;
    private boolean stalled;

    private Subscription(String runId, Runnable wake) {
      this.runId = runId;
      this.wake = wake;
    }

    /** The next live event, or null when none is waiting; never blocks. */
    public synchronized Event poll() {
      Event event = queue.poll();
      if (event != null) {
        queuedBytes -= event.getSerializedSize();
        bytesSinceTaken = 0;
      }
      return event;
    }

    /** The client took an event (read from the store): it is not stalled. */
    public synchronized void taken() {
      bytesSinceTaken = 0;
    }

    /**
     * Starts queueing live events again; returns true when it was paused, and the watcher must read
     * the store once more before it relies on the queue.
     */
    public synchronized boolean resume() {
      boolean was = paused;
      paused = false;
      return was;
    }

    /** Whether events were dropped (or never queued): the watcher must read the store. */
    public synchronized boolean paused() {
      return paused;
    }

    /** Bytes of events waiting in the queue. */
    synchronized long queuedBytes() {
      return queuedBytes;
    }

    /** Whether the watcher fell too far behind and must be ended. */
    public synchronized boolean stalled() {
      return stalled;
    }

    /**
     * Whether the broadcaster was closed and every event published before is taken: nothing more
     * will come.
     */
    public synchronized boolean ended() {
      return closed && queue.isEmpty();
    }

    /** Takes this batch; returns whether the watcher has something new to do. */
    private boolean offer(List<Event> events) {
      synchronized (this) {
        if (stalled) {
          return false;
        }
        boolean news = false;
        for (Event event : events) {
          if (!runId.isEmpty() && !runId.equals(event.getRunId())) {
            continue;
          }
          int size = event.getSerializedSize();
          bytesSinceTaken += size;
          if (bytesSinceTaken > stallBytes) {
            stalled = true;
            queue.clear();
            queuedBytes = 0;
            news = true;
            break;
          }
          if (paused) {
            continue;
          }
          if (queuedBytes + size > bufferBytes) {
            // The watcher catches up from the store, where these events are too.
            queue.clear();
            queuedBytes = 0;
            paused = true;
          } else {
            queue.add(event);
            queuedBytes += size;
          }
          news = true;
        }
        if (!stalled) {
          return news;
        }
      }
      subscriptions.remove(this);
      return true;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  /**
   * Subscribes to one run's events, or to all when {@code runId} is empty. {@code wake} is called
   * on the engine thread when the subscription has news, and must return at once.
   */
  public Subscription subscribe(String runId, Runnable wake) {
    Subscription subscription = new Subscription(runId, wake);
    subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Ends the live streams once the engine has stopped: each watcher gets what was published, then
   * {@link Subscription#ended()}.
   */
  public void close() {
    closed = true;
    for (Subscription subscription : subscriptions) {
      subscription.wake.run();
    }
  }

  /** Bytes of events published for a watcher, while its client took none, that end its stream. */
  public long stallBytes() {
    return stallBytes;
  }

  /** How many watchers are subscribed. */
  public int watchers() {
    return subscriptions.size();
  }

  /** Called by the engine after each commit, in commit order. */
  void publish(List<Event> events) {
    for (Subscription subscription : subscriptions) {
      if (subscription.offer(events)) {
        subscription.wake.run();
      }
    }
  }
}
