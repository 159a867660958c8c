package dev.cairn.server.runtime;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engine thread's queue, and whether it still runs and still takes client commands. Any thread
 * may enqueue; only the engine thread takes.
 */
final class Inbox {
  private final LinkedBlockingQueue<Input> queue = new LinkedBlockingQueue<>();
  private volatile boolean running = true;
  private volatile boolean accepting = true;
  // Why client commands are refused for now (the database cannot be reached), or null.
  private volatile RuntimeException refusal;

  /**
   * Queues an input from outside the engine thread. A client command is refused once the engine
   * stops or closes; a late report (an exit, a start) after it stopped is dropped, since recovery
   * takes it from the log.
   */
  void enqueue(Input input) {
    boolean clientCommand =
        input instanceof Input.Submit
            || input instanceof Input.Cancel
            || input instanceof Input.Rerun;
    if (!clientCommand && !running) {
      return;
    }
    if (!running || (clientCommand && !accepting)) {
      throw new EngineStoppedException();
    }
    RuntimeException refused = refusal;
    if (clientCommand && refused != null) {
      throw new StoreUnavailableException(refused);
    }
    queue.add(input);
    if (!running && queue.remove(input)) {
      // The engine stopped between the check and the add, and will not drain its inbox again.
      input.fail(new EngineStoppedException());
    }
  }

  /** Queues an input unconditionally: the engine's own work, and the shutdown. */
  void add(Input input) {
    queue.add(input);
  }

  Input take() throws InterruptedException {
    return queue.take();
  }

  Input poll(long nanos) throws InterruptedException {
    return queue.poll(nanos, TimeUnit.NANOSECONDS);
  }

  void drainTo(List<Input> batch, int max) {
    queue.drainTo(batch, max);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  boolean running() {
    return running;
  }

  void stopRunning() {
    running = false;
  }

  /** Refuses client commands, as UNAVAILABLE, until {@link #acceptCommands}. */
  void refuseCommands(RuntimeException cause) {
    refusal = cause;
  }

  void acceptCommands() {
    refusal = null;
  }

  boolean accepting() {
    return accepting;
  }

  void stopAccepting() {
    accepting = false;
  }

  /** Fails every queued input: the engine thread ended and will not take them. */
  void failAll(RuntimeException error) {
    List<Input> left = new java.util.ArrayList<>();
    queue.drainTo(left);
    for (Input input : left) {
      input.fail(error);
    }
  }
}
