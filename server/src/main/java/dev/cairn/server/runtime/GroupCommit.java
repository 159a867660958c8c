package dev.cairn.server.runtime;

import dev.cairn.server.engine.Decision;
import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Evolver;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.StepState;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RequestIdTakenException;
import dev.cairn.server.store.StoreFencedException;
import dev.cairn.server.store.StoreFullException;
import dev.cairn.server.store.StoreUnreachableException;
import dev.cairn.v1.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Everything decided in one pass is appended as one transaction: the pending events, the client
 * acknowledgements that wait for them, the request ids they claim, and the inputs they came from.
 * Only after the commit are clients answered, watchers fed and effects performed. A failed commit
 * rolls the touched runs back to what is durable; a full disk decides the lost work again later,
 * any other store failure ends the server.
 */
final class GroupCommit {
  private static final Logger LOG = Logger.getLogger(GroupCommit.class);
  static final int MAX_BATCH = 4096;

  private final EventStore store;
  private final EventBroadcaster broadcaster;
  private final EngineSettings settings;
  private final EngineClock clock;
  private final LiveRuns live;
  private final AttemptTable attempts;
  private final Effects effects;
  private final RunIsolation isolation;
  private final Timers timers;
  private final Inbox inbox;
  private final Consumer<Throwable> onFatal;
  private final DroppedRuns dropped;
  private final List<Event> pending = new ArrayList<>();
  private final List<Ack> acks = new ArrayList<>();
  private final Map<String, String> batchRequests = new HashMap<>();
  private final List<Input> uncommittedInputs = new ArrayList<>();
  private long commitDeadline;
  private boolean storeFull;
  // Set by a commit that failed for a full disk and cleared only by one that succeeded (not by a
  // retry): what health and metrics say, read from other threads.
  private volatile boolean diskFull;
  private EngineObserver observer = EngineObserver.NONE;
  // Set while the database cannot be reached: the pass's events and acknowledgements are kept and
  // the commit is tried again at retryAt (System.nanoTime()).
  private volatile boolean unreachable;
  private long retryAt;
  private long unreachableRetryNanos = 500_000_000L;

  GroupCommit(
      EventStore store,
      EventBroadcaster broadcaster,
      EngineSettings settings,
      EngineClock clock,
      LiveRuns live,
      AttemptTable attempts,
      Effects effects,
      RunIsolation isolation,
      Timers timers,
      Inbox inbox,
      Consumer<Throwable> onFatal,
      DroppedRuns dropped) {
    this.dropped = dropped;
    this.store = store;
    this.broadcaster = broadcaster;
    this.settings = settings;
    this.clock = clock;
    this.live = live;
    this.attempts = attempts;
    this.effects = effects;
    this.isolation = isolation;
    this.timers = timers;
    this.inbox = inbox;
    this.onFatal = onFatal;
  }

  /** Holds a decision's events for the next commit; the run's state runs ahead of the log. */
  void apply(String runId, Decision decision) {
    if (decision.events().isEmpty()) {
      return;
    }
    if (pending.isEmpty()) {
      commitDeadline = System.nanoTime() + settings.commitWindow().toNanos();
    }
    pending.addAll(decision.events());
    live.put(runId, decision.state());
  }

  /** Events decided by recovery, committed before the engine takes any work. */
  void addRecovered(List<Event> events) {
    pending.addAll(events);
  }

  /** Completes {@code complete} once this pass's events are durable, or fails the future. */
  void ack(Runnable complete, CompletableFuture<?> future) {
    acks.add(new Ack(complete, future));
  }

  /** The input is part of this batch: decided again after a full disk if it was internal work. */
  void noteInput(Input input) {
    uncommittedInputs.add(input);
  }

  /** The run this request id created, in this batch or in the store (asked only then). */
  String earlierRun(String requestId) {
    if (requestId.isEmpty()) {
      return null;
    }
    String inBatch = batchRequests.get(requestId);
    return inBatch != null ? inBatch : store.runIdForRequest(requestId).orElse(null);
  }

  void claimRequest(String requestId, String runId) {
    if (!requestId.isEmpty()) {
      batchRequests.put(requestId, runId);
    }
  }

  boolean hasAcks() {
    return !acks.isEmpty();
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  boolean storeFull() {
    return storeFull;
  }

  /** Whether the last commit failed for a full disk, until one succeeds. */
  boolean diskFull() {
    return diskFull;
  }

  void observe(EngineObserver observer) {
    this.observer = observer;
  }

  private void observe(List<Event> stored, long nanos) {
    try {
      observer.committed(stored, nanos);
    } catch (RuntimeException e) {
      LOG.warnf("an observer of commits failed; its metrics or logs miss this batch: %s", e);
    }
  }

  /** A retry after a full disk: try again; a disk still full fails the commit and sets it again. */
  void clearStoreFull() {
    storeFull = false;
  }

  /**
   * Whether to commit now rather than gather more events into the same transaction: a client waits
   * for an acknowledgement, the commit window has passed, the batch is large, nothing is running,
   * or the engine is stopping. Until then decided events are held in order and acted on (an attempt
   * may start after its upstream's success was decided but before it is durable); a crash in the
   * window loses only decisions whose attempts are then run again, which at-least-once allows.
   * Nothing reaches a client, a watcher or a timer before its commit.
   */
  boolean due(boolean shuttingDown) {
    if (waitingForDatabase()) {
      return false;
    }
    return !acks.isEmpty()
        || pending.size() >= MAX_BATCH
        || System.nanoTime() - commitDeadline >= 0
        // Nothing runs and nothing waits to be decided: no later event could share this commit
        // before a timer fires, so a run's last events reach watchers at once.
        || (attempts.running() == 0 && inbox.isEmpty())
        || shuttingDown
        || storeFull;
  }

  /** The time left in the commit window, for the loop's wait. */
  long nanosLeft() {
    long until = unreachable ? retryAt : commitDeadline;
    return Math.max(0, until - System.nanoTime());
  }

  /** Whether the database could not be reached at the last commit: nothing new starts then. */
  boolean unreachable() {
    return unreachable;
  }

  private boolean waitingForDatabase() {
    return unreachable && System.nanoTime() - retryAt < 0;
  }

  /** Appends everything decided in this pass as one transaction, then performs its effects. */
  void commit() {
    if (waitingForDatabase()) {
      return;
    }
    if (pending.isEmpty()) {
      completeAcks();
      return;
    }
    List<Event> stored;
    long began = System.nanoTime();
    try {
      stored = store.append(List.copyOf(pending));
    } catch (StoreUnreachableException e) {
      waitForDatabase(e);
      return;
    } catch (RequestIdTakenException e) {
      // Another server sharing the store created a run for the same request id first. The client
      // is told to try again (UNAVAILABLE), and then finds that run; the rest is decided again.
      LOG.warnf("append of %d events refused: %s", pending.size(), e.getMessage());
      rollBack(e);
      retryLater(clock.now());
      return;
    } catch (StoreFencedException e) {
      // Another node took these runs over: this node must forget them, never halt for it.
      LOG.warnf("append of %d events was fenced: %s", pending.size(), e.getMessage());
      rollBack(e);
      dropped.drop(e.runIds(), "another node took them over");
      retryLater(clock.now());
      return;
    } catch (RuntimeException e) {
      LOG.errorf(
          "append of %d events failed; nothing of this pass is acknowledged: %s",
          pending.size(), e.getMessage());
      rollBack(e);
      if (!(e instanceof StoreFullException)) {
        // An I/O or fsync error: the file can no longer be trusted, so fail closed. The next
        // start recovers every unfinished attempt from what the log holds.
        onFatal.accept(e);
        return;
      }
      // A full disk: refuse new work, and decide the lost internal work again once space returns.
      storeFull = true;
      diskFull = true;
      retryLater();
      return;
    }
    if (unreachable) {
      LOG.infof("the database is reachable again; %d events committed", stored.size());
      unreachable = false;
      inbox.acceptCommands();
    }
    storeFull = false;
    diskFull = false;
    pending.clear();
    uncommittedInputs.clear();
    batchRequests.clear();
    completeAcks();
    observe(stored, System.nanoTime() - began);
    // The count first: whoever has seen a run's end event and then asks for the count must not
    // find the run still in it. The count after the effects below is published again at the end.
    live.publishCountWithout(endedRuns(stored));
    broadcaster.publish(stored);
    Set<String> touched = new HashSet<>();
    for (Event event : stored) {
      try {
        effects.ofCommitted(event);
      } catch (RuntimeException e) {
        isolation.setAside(event.getRunId(), e);
      }
      touched.add(event.getRunId());
    }
    // Once per run, not per event: a cancel or a fail-fast failure stops every running attempt.
    for (String runId : touched) {
      try {
        effects.stopAllIfStopping(runId);
      } catch (RuntimeException e) {
        isolation.setAside(runId, e);
      }
    }
    live.publishCount();
  }

  private static Set<String> endedRuns(List<Event> stored) {
    Set<String> ended = new HashSet<>();
    for (Event event : stored) {
      if (event.hasRunSucceeded() || event.hasRunFailed() || event.hasRunCancelled()) {
        ended.add(event.getRunId());
      }
    }
    return ended;
  }

  private void completeAcks() {
    for (Ack ack : acks) {
      ack.complete().run();
    }
    acks.clear();
  }

  /**
   * The database cannot be reached. Everything decided stays pending, in order, with the clients
   * that wait for it, and the same events lead the next append: the store learns then whether an
   * append whose outcome it lost landed. New client commands are refused (UNAVAILABLE) meanwhile,
   * and nothing new starts.
   */
  private void waitForDatabase(StoreUnreachableException e) {
    if (!unreachable) {
      LOG.warnf(
          "the database cannot be reached; %d decided events wait for it and new requests are"
              + " refused: %s",
          pending.size(), e.getMessage());
      inbox.refuseCommands(e);
    }
    unreachable = true;
    retryAt = System.nanoTime() + unreachableRetryNanos;
  }

  /** For tests that drive passes themselves: how long to wait before trying the database again. */
  void retryUnreachableAfter(java.time.Duration pause) {
    unreachableRetryNanos = pause.toNanos();
  }

  /** Puts the internal work of the failed batch back, to be decided again after a pause. */
  private void retryLater() {
    retryLater(clock.now().plusSeconds(1));
  }

  private void retryLater(java.time.Instant later) {
    for (Input input : uncommittedInputs) {
      // A start or spawn failure is not retried: rollBack killed every attempt whose start was
      // not durable, and its step is started again. An exit or a timer is a fact to decide again.
      // A Wakeup is not put back: a fresh one follows below, and each put back would multiply.
      boolean retried =
          input instanceof Input.RetryDue
              || (input instanceof Input.Fire fire
                  && !(fire.trigger() instanceof Trigger.AttemptStarted)
                  && !(fire.trigger() instanceof Trigger.AttemptSpawnFailed));
      if (retried) {
        timers.schedule(later, () -> inbox.add(input));
      }
    }
    uncommittedInputs.clear();
    timers.schedule(later, () -> inbox.add(new Input.Wakeup()));
  }

  private void rollBack(RuntimeException cause) {
    Set<String> touched = new HashSet<>();
    for (Event event : pending) {
      touched.add(event.getRunId());
    }
    pending.clear();
    batchRequests.clear();
    failAcks(new StoreUnavailableException(cause));
    // The in-memory state ran ahead of the log: fold the touched runs again from what is durable,
    // and stop any attempt whose start was never recorded, so no process runs unaccounted for.
    for (String runId : touched) {
      RunState durable = Evolver.replay(store.readRun(runId, 0, Integer.MAX_VALUE));
      if (durable == null || durable.isTerminal()) {
        live.retire(runId);
      } else {
        live.put(runId, durable);
      }
    }
    attempts.killUnrecorded(
        key -> {
          RunState state = live.get(key.runId());
          StepState step = state == null ? null : state.step(key.stepId());
          return step != null && step.isRunning() && step.attempt() == key.attempt();
        });
  }

  /** Fails every acknowledgement still waiting. */
  void failAcks(RuntimeException error) {
    for (Ack ack : acks) {
      ack.future().completeExceptionally(error);
    }
    acks.clear();
  }

  private record Ack(Runnable complete, CompletableFuture<?> future) {}
}
