package dev.cairn.server.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WatchEvents streams whose calls have not ended: at shutdown the server waits for them to send
 * their last events and their status before Quarkus closes the port, since a stream whose
 * subscription has ended may still be writing.
 */
final class OpenStreams {
  private final AtomicInteger open = new AtomicInteger();

  /**
   * One stream's registration; {@link #close()} it once the call has ended, any number of times.
   */
  final class Registration {
    private final AtomicBoolean closed = new AtomicBoolean();

    void close() {
      if (closed.compareAndSet(false, true)) {
        open.decrementAndGet();
      }
    }
  }

  Registration open() {
    open.incrementAndGet();
    return new Registration();
  }

  int count() {
    return open.get();
  }

  /** Waits until every stream has ended or {@code millis} have passed. */
  void awaitEnded(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      while (open.get() > 0 && System.nanoTime() - deadline < 0) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
