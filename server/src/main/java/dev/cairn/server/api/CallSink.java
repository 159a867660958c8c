package dev.cairn.server.api;

import dev.cairn.server.runtime.StreamSink;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;

/**
 * A server stream as a non-blocking {@link StreamSink}: ready while the transport takes more
 * without buffering past its threshold, and waking the stream's feed when the client can take more
 * or cancels, so that no thread waits for the client.
 *
 * @param <V> what the feed sends
 * @param <T> the response message it becomes
 */
final class CallSink<V, T> implements StreamSink<V> {
  private final ServerCallStreamObserver<T> observer;
  private final Function<V, T> message;
  private volatile Runnable wake = () -> {};
  private volatile boolean cancelled;

  /** Must be made during the service method: the handlers can only be set then. */
  CallSink(StreamObserver<T> response, Function<V, T> message) {
    this.observer = (ServerCallStreamObserver<T>) response;
    this.message = message;
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
  public void send(V value) {
    if (!cancelled) {
      T next = message.apply(value);
      writes.submit(
          () -> {
            if (!cancelled) {
              observer.onNext(next);
            }
          });
    }
  }

  @Override
  public void complete() {
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
