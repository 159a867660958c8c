package dev.cairn.server.runtime;

import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import java.util.concurrent.Executor;

/**
 * Serves WatchEvents: stored events after a sequence number, then live ones, with no gap and no
 * duplicate. A stream holds no thread: its work runs in short passes on a shared executor when the
 * client can take more or new events are published (see {@link EventWatch}).
 */
public final class EventFeed {
  /**
   * Most bytes one page read from the store may hold, whatever its events: the page's length is
   * this divided by the largest event the server accepts.
   */
  static final long PAGE_BUDGET_BYTES = 32L << 20;

  private static final int MAX_PAGE = 512;
  private final EventStore store;
  private final EventBroadcaster broadcaster;
  private final Executor executor;
  private final int maxPage;

  /**
   * @param maxEventBytes the largest event the server can record (a RunSubmitted with the largest
   *     spec accepted), which bounds what one page read from the store holds
   * @param executor runs the streams' passes; a few threads serve any number of streams
   */
  public EventFeed(
      EventStore store, EventBroadcaster broadcaster, long maxEventBytes, Executor executor) {
    this.store = store;
    this.broadcaster = broadcaster;
    this.executor = executor;
    this.maxPage = (int) Math.max(1, Math.min(MAX_PAGE, PAGE_BUDGET_BYTES / maxEventBytes));
  }

  /**
   * Prepares a stream; it starts on the first wake, on the executor. It ends after the stored
   * events without {@code follow}; with it, for one run after its terminal event (at once when the
   * run had ended at or before {@code afterSeq}), for all runs only when the client cancels.
   *
   * <p>It fails with {@link RunNotFoundException} when {@code runId} names no run; with {@link
   * WatcherTooSlowException} when the client stopped reading while events for it piled up; with
   * {@link EngineStoppedException} when the server stops under a followed stream, after every event
   * published (the client resumes from the last one on the next server).
   *
   * @return wakes the stream: call it once to start it, then whenever the client can take more or
   *     went away
   */
  public Runnable watch(
      String runId, long afterSeq, boolean follow, StreamSink<EncodedEvent> sink) {
    if (afterSeq < 0) {
      throw new IllegalArgumentException("after_seq must be below 2^63");
    }
    return new EventWatch(store, broadcaster, runId, afterSeq, follow, maxPage, sink, executor)
        ::wake;
  }

  static boolean endsRun(Event event) {
    return switch (event.getPayloadCase()) {
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> true;
      default -> false;
    };
  }
}
