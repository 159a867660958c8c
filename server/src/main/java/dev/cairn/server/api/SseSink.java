package dev.cairn.server.api;

import dev.cairn.server.runtime.StreamSink;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A server-sent events response as a non-blocking {@link StreamSink}, the HTTP counterpart of
 * {@link CallSink}: ready while Vert.x's write queue for the connection is not full, and waking the
 * feed when it drains or the client goes away, so that no thread waits for the client. The feed's
 * own bounds (EventWatch's per-watcher buffer, OutputReader's chunks) hold as for gRPC.
 *
 * <p>Each message is one SSE frame. The stream ends with an {@code end} event when the feed
 * completes, or a {@code failure} event carrying the error as JSON (see docs/http-api.md); a
 * comment every {@link #KEEP_ALIVE_SECONDS} keeps idle connections open through proxies and finds
 * dead ones.
 *
 * @param <V> what the feed sends
 */
final class SseSink<V> implements StreamSink<V> {
  static final long KEEP_ALIVE_SECONDS = 15;

  private final HttpServerResponse response;
  private final Function<V, String> frame;
  private final ScheduledFuture<?> keepAlive;
  private volatile Runnable wake = () -> {};
  private volatile boolean cancelled;
  private volatile boolean ended;

  /** Must be made on the request's event loop: the response's handlers are set here. */
  SseSink(HttpServerResponse response, Function<V, String> frame, ScheduledExecutorService timer) {
    this.response = response;
    this.frame = frame;
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(ignored -> gone());
    response.exceptionHandler(ignored -> gone());
    response.drainHandler(ignored -> wake.run());
    // Sends the headers at once, so the client knows the stream is open before the first event.
    response.write(": cairn\n\n");
    keepAlive = keepAlive(timer);
  }

  /** Null when the server is stopping: the stream's feed then ends it at once. */
  private ScheduledFuture<?> keepAlive(ScheduledExecutorService timer) {
    try {
      return timer.scheduleAtFixedRate(
          () -> write(": keep-alive\n\n"),
          KEEP_ALIVE_SECONDS,
          KEEP_ALIVE_SECONDS,
          TimeUnit.SECONDS);
    } catch (RejectedExecutionException stopping) {
      return null;
    }
  }

  /** Routes the connection's signals to {@code feed} and runs its first pass. */
  void start(Runnable feed) {
    wake = feed;
    feed.run();
  }

  private void gone() {
    cancelled = true;
    if (keepAlive != null) {
      keepAlive.cancel(false);
    }
    wake.run();
  }

  @Override
  public boolean ready() {
    return !cancelled && !ended && !response.writeQueueFull();
  }

  @Override
  public void send(V value) {
    write(frame.apply(value));
  }

  @Override
  public void complete() {
    end("event: end\ndata: {}\n\n");
  }

  @Override
  public void fail(Throwable error) {
    end("event: failure\ndata: " + HttpErrors.of(error).json() + "\n\n");
  }

  /** Sends a frame of the stream's own, outside the feed (before it starts). */
  void announce(String text) {
    write(text);
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }

  private synchronized void write(String text) {
    if (!cancelled && !ended) {
      response.write(text);
    }
  }

  private synchronized void end(String last) {
    if (keepAlive != null) {
      keepAlive.cancel(false);
    }
    if (!cancelled && !ended) {
      ended = true;
      response.end(last);
    }
  }
}
