package dev.cairn.server.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The engine thread and its lifecycle: recover, wait to be opened, then take batches of inputs and
 * run one pass over each until shut down. A pass ({@link #runOnePass}) is also what tests call
 * directly, through {@link #drain}, so that the shell runs with no thread and no sleep.
 */
final class EngineLoop {
  private static final Logger LOG = Logger.getLogger(EngineLoop.class);

  private final Inbox inbox;
  private final InputHandler handler;
  private final GroupCommit commit;
  private final StartPass starts;
  private final AttemptTable attempts;
  private final RunIsolation isolation;
  private final Runnable recovery;
  private final Consumer<Throwable> onFatal;
  private final NodeFence fence;
  private final DroppedRuns dropped;
  private final Thread thread = new Thread(this::loop, "cairn-engine");
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch opened = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean recoveryFailed;
  private String lastPassFailure;

  EngineLoop(
      Inbox inbox,
      InputHandler handler,
      GroupCommit commit,
      StartPass starts,
      AttemptTable attempts,
      RunIsolation isolation,
      Runnable recovery,
      Consumer<Throwable> onFatal,
      NodeFence fence,
      DroppedRuns dropped) {
    this.fence = fence;
    this.dropped = dropped;
    this.inbox = inbox;
    this.handler = handler;
    this.commit = commit;
    this.starts = starts;
    this.attempts = attempts;
    this.isolation = isolation;
    this.recovery = recovery;
    this.onFatal = onFatal;
  }

  void start() {
    thread.start();
  }

  void open() {
    opened.countDown();
  }

  boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && !recoveryFailed;
  }

  boolean recoveryFailed() {
    return recoveryFailed;
  }

  private void loop() {
    try {
      if (recovered() && opened()) {
        work();
      }
      if (inbox.accepting() && !recoveryFailed) {
        // Only close() ends the work loop: ended any other way, nothing would take commands.
        throw new IllegalStateException("the engine thread ended without a shutdown");
      }
    } catch (Throwable e) {
      // An Error (out of memory, a bug in the engine) leaves its state in doubt: the server must
      // not stay up answering UNAVAILABLE while saying SERVING. It exits, and recovery takes over.
      onFatal.accept(e);
    } finally {
      // However the thread ends, commands still queued get an answer rather than waiting forever.
      inbox.stopRunning();
      EngineStoppedException stoppedError = new EngineStoppedException();
      commit.failAcks(stoppedError);
      inbox.failAll(stoppedError);
      stopped.countDown();
    }
  }

  /** Recovers from the log; false, logged, when that failed and the engine must not start. */
  boolean recovered() {
    try {
      recovery.run();
      return true;
    } catch (RuntimeException e) {
      LOG.error("recovery failed; the engine does not start", e);
      recoveryFailed = true;
      return false;
    } finally {
      ready.countDown();
    }
  }

  // Recovered, but nothing starts until the server can take calls (see open()).
  private boolean opened() {
    try {
      opened.await();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void work() {
    // Recovery may leave steps ready with nothing else due to happen (the server died between an
    // upstream's success and the start of its downstream): schedule them now, not on the next
    // input.
    inbox.add(new Input.Wakeup());
    List<Input> batch = new ArrayList<>();
    while (inbox.running()) {
      try {
        batch.clear();
        Input first = commit.isEmpty() ? inbox.take() : inbox.poll(commit.nanosLeft());
        if (first != null) {
          batch.add(first);
          inbox.drainTo(batch, GroupCommit.MAX_BATCH);
        }
        runOnePass(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        // Errors of one run are handled where they arise (inputFailed, setAside); one that gets
        // here is logged once, not on every pass that meets it again.
        String failure = String.valueOf(e);
        if (!failure.equals(lastPassFailure)) {
          LOG.error("engine pass failed", e);
          lastPassFailure = failure;
        }
      }
    }
  }

  /**
   * One pass over a batch of inputs: decide each, commit when a client waits, start what became
   * ready, commit when due, and end the loop once a shutdown has nothing left to wait for.
   */
  void runOnePass(List<Input> batch) {
    if (fence.dropDue()) {
      // The node fenced itself and stopped every process: forget the runs before deciding any
      // input, so that no exit of a process it stopped is recorded and nothing starts for them.
      dropped.dropAll("this node could not renew its leases in time");
      fence.droppedUpTo();
    }
    for (Input input : batch) {
      commit.noteInput(input);
      try {
        handler.handle(input);
      } catch (RuntimeException e) {
        isolation.inputFailed(input, e);
      }
    }
    // A client waiting for an answer is answered first, and no step of a run starts before the
    // run's submission is durable. Otherwise starts go out before the commit, so a step's
    // successor never waits for an fsync; if that commit fails, the rollback stops what it
    // started.
    if (commit.hasAcks()) {
      commit.commit();
    }
    if (!commit.storeFull() && !commit.unreachable() && !handler.shuttingDown()) {
      starts.run();
    }
    if (commit.due(handler.shuttingDown())) {
      commit.commit();
    }
    if (handler.shuttingDown() && attempts.idle() && commit.isEmpty()) {
      inbox.stopRunning();
    }
  }

  /**
   * For tests: runs passes on the calling thread until the inbox is empty and nothing waits to be
   * committed. The thread must not have been started.
   */
  void drain() {
    List<Input> batch = new ArrayList<>();
    do {
      batch.clear();
      inbox.drainTo(batch, GroupCommit.MAX_BATCH);
      runOnePass(batch);
      if (inbox.isEmpty() && !commit.isEmpty()) {
        // A test's commit window never holds events back: nothing else would commit them.
        commit.commit();
      }
    } while (!inbox.isEmpty());
  }

  /**
   * Shuts down gracefully: refuses new client work, stops every running attempt and records it as
   * interrupted, then ends the engine thread. Waits at most {@code grace} plus a second; anything
   * still running after that is killed, and its StepStarted stays the last fact in the log, so the
   * next start records it as LOST.
   */
  void close(Duration grace) {
    inbox.stopAccepting();
    boolean stopping = inbox.running() && thread.isAlive();
    if (stopping) {
      // Queued before open() is released: a start that failed before it took no work, and the
      // thread must meet the Shutdown in the same batch as any retry that fell due meanwhile, so
      // that nothing starts on the way out.
      inbox.add(new Input.Shutdown());
    }
    if (thread.isAlive()) {
      // Let a recovery in progress finish rather than close the store under it.
      opened.countDown();
      try {
        ready.await(10, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (stopping) {
      try {
        stopped.await(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    inbox.stopRunning();
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
