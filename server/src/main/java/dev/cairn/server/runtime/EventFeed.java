package dev.cairn.server.runtime;

import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves WatchEvents: stored events after a sequence number, then live ones, with no gap and no
 * duplicate. It subscribes before reading the store, so nothing committed in between is missed, and
 * it drops live events it already sent from the store. A gap in the live stream (the watcher fell
 * behind and its queue was dropped) is filled from the store.
 */
public final class EventFeed {
  private static final int PAGE = 512;
  private final EventStore store;
  private final EventBroadcaster broadcaster;

  public EventFeed(EventStore store, EventBroadcaster broadcaster) {
    this.store = store;
    this.broadcaster = broadcaster;
  }

  /** Where events go; {@code send} may block for flow control. */
  public interface Sink {
    void send(Event event) throws InterruptedException;

    boolean cancelled();
  }

  /**
   * Streams until the client cancels, or, for one run, until its terminal event; without {@code
   * follow}, only the stored events.
   *
   * @throws RunNotFoundException when {@code runId} names no run
   * @throws EngineStoppedException when the server stops under a followed stream, after every event
   *     it published (the client resumes from the last one on the next server)
   */
  public void stream(String runId, long afterSeq, boolean follow, Sink sink)
      throws InterruptedException {
    boolean oneRun = !runId.isEmpty();
    if (oneRun && store.findRun(runId).isEmpty()) {
      throw new RunNotFoundException(runId);
    }
    try (EventBroadcaster.Subscription live = follow ? broadcaster.subscribe(runId) : null) {
      long last = catchUp(runId, afterSeq, sink);
      if (!follow || (oneRun && endsRun(lastStored(runId, last)))) {
        return;
      }
      while (!sink.cancelled()) {
        Event event = live.poll(200, TimeUnit.MILLISECONDS);
        if (live.takeOverflow()) {
          last = catchUp(runId, last, sink);
        }
        if (event == null) {
          if (live.ended()) {
            throw new EngineStoppedException();
          }
          continue;
        }
        long seq = seq(event, oneRun);
        if (seq <= last) {
          continue;
        }
        if (seq > last + 1) {
          last = catchUp(runId, last, sink);
          if (seq <= last) {
            if (oneRun && endsRun(event)) {
              return;
            }
            continue;
          }
        }
        sink.send(event);
        last = seq;
        if (oneRun && endsRun(event)) {
          return;
        }
      }
    }
  }

  private long catchUp(String runId, long after, Sink sink) throws InterruptedException {
    boolean oneRun = !runId.isEmpty();
    long last = after;
    while (!sink.cancelled()) {
      List<Event> page = oneRun ? store.readRun(runId, last, PAGE) : store.readAll(last, PAGE);
      for (Event event : page) {
        sink.send(event);
        last = seq(event, oneRun);
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    return last;
  }

  private Event lastStored(String runId, long seq) {
    if (seq == 0) {
      return null;
    }
    List<Event> events = store.readRun(runId, seq - 1, 1);
    return events.isEmpty() ? null : events.get(0);
  }

  private static long seq(Event event, boolean oneRun) {
    return oneRun ? event.getRunSeq() : event.getGlobalSeq();
  }

  static boolean endsRun(Event event) {
    if (event == null) {
      return false;
    }
    return switch (event.getPayloadCase()) {
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> true;
      default -> false;
    };
  }
}
