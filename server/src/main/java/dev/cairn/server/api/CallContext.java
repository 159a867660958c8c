package dev.cairn.server.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Vert.x context a gRPC call arrived on, so that what other threads (the engine, the query and
 * stream workers) do to the call happens there. The Vert.x gRPC bridge's call objects are not safe
 * for use from two threads at once: a stream's first pass, run on a worker while the event loop was
 * still inside the service method, could send the response headers twice, and Netty then refused
 * the connection with a GOAWAY (PROTOCOL_ERROR) that failed every call on it. So every write to a
 * call goes through its context: unary answers with {@link #run}, a stream's with {@link Writes}.
 */
final class CallContext {
  private final Context context;

  private CallContext(Context context) {
    this.context = context;
  }

  /** The context of the calling thread: call it in the service method, on the event loop. */
  static CallContext current() {
    return new CallContext(Vertx.currentContext());
  }

  /** Runs {@code action} on the call's context: at once when already there, else queued to it. */
  void run(Runnable action) {
    if (context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  /**
   * Writes of one stream, made from the stream's worker and run on the call's context in order. At
   * most {@link #MAX_PENDING} wait at once: past that the stream is not ready, and it is woken when
   * they have been written, so that a fast feed cannot pile messages up in the event loop's queue.
   */
  final class Writes {
    static final int MAX_PENDING = 8;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Runnable wake = () -> {};

    void onDrained(Runnable wake) {
      this.wake = wake;
    }

    boolean full() {
      return pending.get() >= MAX_PENDING;
    }

    void submit(Runnable write) {
      pending.incrementAndGet();
      run(
          () -> {
            try {
              write.run();
            } finally {
              if (pending.decrementAndGet() == 0) {
                wake.run();
              }
            }
          });
    }
  }

  Writes writes() {
    return new Writes();
  }

  /**
   * Runs {@code action} on the call's context after what runs there now, the service method
   * included: for the first pass of a stream, which must not race the method's own handling.
   */
  void afterCurrent(Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }
}
