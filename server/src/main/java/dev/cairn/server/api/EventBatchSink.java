package dev.cairn.server.api;

import dev.cairn.server.runtime.StreamSink;
import dev.cairn.server.store.EncodedEvent;
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
final class EventBatchSink implements StreamSink<EncodedEvent> {
  /** The most events one message carries, whatever the client asks. */
  static final int MAX_EVENTS = 4096;

  /**
   * Bytes a batch grows to at most (unless one event alone is larger): well below every client's
   * default inbound limit of 4 MiB, and large enough that the per-message cost is negligible.
   */
  static final int MAX_BYTES = 256 * 1024;

  /** Field number of WatchEventsResponse.events. */
  private static final int EVENTS_FIELD = 2;

  private final ServerCallStreamObserver<EncodedResponse> observer;
  private final int maxEvents;
  private byte[] buffer = new byte[0];
  private int length;
  private int count;
  private volatile Runnable wake = () -> {};
  private volatile boolean cancelled;

  /** Must be made during the service method: the handlers can only be set then. */
  EventBatchSink(StreamObserver<EncodedResponse> response, int maxEvents) {
    this.observer = (ServerCallStreamObserver<EncodedResponse>) response;
    this.maxEvents = Math.max(1, Math.min(MAX_EVENTS, maxEvents));
    observer.setOnCancelHandler(
        () -> {
          cancelled = true;
          ended();
          wake.run();
        });
    observer.setOnReadyHandler(() -> wake.run());
  }

  private final CallContext context = CallContext.current();
  private final CallContext.Writes writes = context.writes();
  private OpenStreams.Registration registration;

  /** Counts this stream among those the server waits for at shutdown, until its call ends. */
  void track(OpenStreams streams) {
    registration = streams.open();
  }

  private void ended() {
    if (registration != null) {
      registration.close();
    }
  }

  /**
   * Routes the transport's signals to {@code feed} and runs its first pass once the service method
   * has returned (see {@link CallContext}).
   */
  void start(Runnable feed) {
    wake = feed;
    writes.onDrained(feed);
    context.afterCurrent(feed);
  }

  @Override
  public boolean ready() {
    return !cancelled && !writes.full() && observer.isReady();
  }

  @Override
  public void send(EncodedEvent event) {
    if (cancelled) {
      return;
    }
    int size = EncodedResponse.fieldSize(event.bytes());
    if (count > 0 && length + size > MAX_BYTES) {
      flush();
    }
    if (length + size > buffer.length) {
      // A new buffer per message: the one sent belongs to the transport until it is written.
      byte[] larger = new byte[Math.max(MAX_BYTES, length + size)];
      System.arraycopy(buffer, 0, larger, 0, length);
      buffer = larger;
    }
    length = EncodedResponse.writeField(buffer, length, EVENTS_FIELD, event.bytes());
    count++;
    if (count >= maxEvents) {
      flush();
    }
  }

  @Override
  public void flush() {
    if (count == 0) {
      return;
    }
    if (!cancelled) {
      EncodedResponse batch = new EncodedResponse(buffer, length);
      writes.submit(
          () -> {
            if (!cancelled) {
              observer.onNext(batch);
            }
          });
    }
    buffer = new byte[0];
    length = 0;
    count = 0;
  }

  @Override
  public void complete() {
    flush();
    writes.submit(
        () -> {
          if (!cancelled) {
            observer.onCompleted();
          }
          ended();
        });
  }

  @Override
  public void fail(Throwable error) {
    // The events gathered before the failure are whole and in order: the client keeps them and
    // resumes after the last one.
    flush();
    writes.submit(
        () -> {
          if (!cancelled) {
            observer.onError(ErrorMapper.toStatus(error));
          }
          ended();
        });
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }
}
