package dev.cairn.server.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one stream's passes on a shared executor, one at a time, so that a stream holds no thread
 * while it waits for its client or for new events. Anyone may {@link #wake} it (the transport when
 * the client can take more, the broadcaster after a commit, a timer); a wake during a pass makes
 * another pass follow, so none is lost, and any number of wakes while one is queued cost one pass.
 */
final class StreamPump {
  private final Executor executor;
  private final Runnable pass;
  private final AtomicInteger wakes = new AtomicInteger();

  StreamPump(Executor executor, Runnable pass) {
    this.executor = executor;
    this.pass = pass;
  }

  /** Never blocks, and never throws: the engine thread calls it after each commit. */
  void wake() {
    if (wakes.getAndIncrement() != 0) {
      return;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException shuttingDown) {
      // The server is stopping: the listener cancels the call, and nothing will run it again.
    }
  }

  /**
   * Ends this pass's turn: another pass follows, queued behind the other streams' work, so that a
   * stream with much to send does not keep a shared thread from the rest.
   */
  void yieldTurn() {
    try {
      executor.execute(this::wake);
    } catch (RejectedExecutionException shuttingDown) {
      // As in wake.
    }
  }

  private void drain() {
    int seen = 1;
    do {
      pass.run();
      seen = wakes.addAndGet(-seen);
    } while (seen != 0);
  }
}
