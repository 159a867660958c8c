package dev.cairn.server.api;

import dev.cairn.server.runtime.StreamSink;
import dev.cairn.v1.Event;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * A WatchEvents stream that carries events in batches, for a client that asked for them with
 * max_batch: one message per event costs the transport and the client far more than the event
 * itself, so a client catching up on a long history is bound by the message count.
 *
 * <p>Events gather until the batch is full, by count or by bytes, or until the feed flushes before
 * it waits; so a batch never holds back an event the feed has nothing to send after.
 */
final class EventBatchSink implements StreamSink<Event> {
  /** The most events one message carries, whatever the client asks. */
  static final int MAX_EVENTS = 4096;

  /**
   * Bytes a batch grows to at most (unless one event alone is larger): well below every client's
   * default inbound limit of 4 MiB, and large enough that the per-message cost is negligible.
   */
  static final int MAX_BYTES = 256 * 1024;

  private final ServerCallStreamObserver<WatchEventsResponse> observer;
  private final int maxEvents;
  private final WatchEventsResponse.Builder batch = WatchEventsResponse.newBuilder();
  private int batchBytes;
  private volatile Runnable wake = () -> {};
  private volatile boolean cancelled;

  /** Must be made during the service method: the handlers can only be set then. */
  EventBatchSink(StreamObserver<WatchEventsResponse> response, int maxEvents) {
    this.observer = (ServerCallStreamObserver<WatchEventsResponse>) response;
    this.maxEvents = Math.max(1, Math.min(MAX_EVENTS, maxEvents));
    observer.setOnCancelHandler(
        () -> {
          cancelled = true;
          wake.run();
        });
    observer.setOnReadyHandler(() -> wake.run());
  }

  /** Routes the transport's signals to {@code feed} and runs its first pass. */
  void start(Runnable feed) {
    wake = feed;
    feed.run();
  }

  @Override
  public boolean ready() {
    return !cancelled && observer.isReady();
  }

  @Override
  public void send(Event event) {
    if (cancelled) {
      return;
    }
    int size = event.getSerializedSize();
    if (batch.getEventsCount() > 0 && batchBytes + size > MAX_BYTES) {
      flush();
    }
    batch.addEvents(event);
    batchBytes += size + 8;
    if (batch.getEventsCount() >= maxEvents) {
      flush();
    }
  }

  @Override
  public void flush() {
    if (batch.getEventsCount() == 0) {
      return;
    }
    if (!cancelled) {
      observer.onNext(batch.build());
    }
    batch.clear();
    batchBytes = 0;
  }

  @Override
  public void complete() {
    flush();
    if (!cancelled) {
      observer.onCompleted();
    }
  }

  @Override
  public void fail(Throwable error) {
    // The events gathered before the failure are whole and in order: the client keeps them and
    // resumes after the last one.
    flush();
    if (!cancelled) {
      observer.onError(ErrorMapper.toStatus(error));
    }
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }
}
