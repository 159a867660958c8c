package dev.cairn.server.runtime;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.Decision;
import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Evolver;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.engine.SpecValidator;
import dev.cairn.server.engine.StepState;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.process.Launched;
import dev.cairn.server.process.ProcessSupervisor;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreFullException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The shell around the pure core. One engine thread owns all live run state: it takes triggers from
 * a queue, asks {@link Decider} for events, appends everything decided in one pass as one
 * transaction (group commit), and only then performs the effects those committed events authorize:
 * acknowledging clients, arming timers, stopping processes, starting the attempts that became
 * ready. Process exits and timers come back as triggers.
 *
 * <p>The engine thread is also the one that spawns, through the supervisor's own long-lived spawner
 * thread, so no pool ever retires the thread a step's parent-death signal is tied to.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Engine.class);
  private static final int MAX_BATCH = 4096;

  private final EventStore store;
  private final ProcessSupervisor supervisor;
  private final EngineClock clock;
  private final EngineSettings settings;
  private final EventBroadcaster broadcaster;
  private final LinkedBlockingQueue<Input> inbox = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timers;
  private final Thread thread;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile boolean recoveryFailed;
  private final CountDownLatch opened = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Consumer<Throwable> onFatal;
  private final Optional<InjectedFault> injectedFault = InjectedFault.fromSystemProperty();
  private final StraySweeper sweeper;
  private final AttemptLauncher launcher;
  private final Set<String> liveMarkers = ConcurrentHashMap.newKeySet();
  private volatile boolean running = true;
  private volatile boolean accepting = true;

  // Owned by the engine thread only.
  private final Map<String, RunState> live = new LinkedHashMap<>();
  // The live runs that may have an attempt to start, by the order they became live, so that the
  // oldest run gets a free slot first. A scheduling pass looks only at these, not at every live
  // run. A run leaves once it has nothing more to start, and comes back with any input for it (an
  // exit, a start, a decision, a retry falling due) or a Wakeup, which brings back every live run.
  // Always a subset of live: a run leaves live only through retire(), which drops it here too.
  private final TreeMap<Long, String> schedulable = new TreeMap<>();
  private final Map<String, Long> liveOrder = new HashMap<>();
  private long nextLiveOrder;
  private final Map<AttemptKey, Launched> processes = new HashMap<>();
  private final Map<String, Set<String>> launching = new HashMap<>();
  private final Set<AttemptKey> stopsSent = new HashSet<>();
  private final List<Event> pending = new ArrayList<>();
  private final List<Ack> acks = new ArrayList<>();
  private final Map<String, String> batchRequests = new HashMap<>();
  private final List<Input> uncommittedInputs = new ArrayList<>();
  private long commitDeadline;
  private boolean storeFull;
  private String lastPassFailure;
  private boolean shuttingDown;
  private volatile int runningAttempts;
  private volatile int liveRuns;
  private final java.util.concurrent.atomic.AtomicLong attemptsStarted =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param onFatal called, once, when the engine cannot go on: the store failed to write (an I/O or
   *     fsync error), or the engine thread met an {@link Error} or ended without being closed. The
   *     server exits there, and the next start recovers from the log.
   */
  public Engine(
      EventStore store,
      ProcessSupervisor supervisor,
      EngineClock clock,
      EngineSettings settings,
      EventBroadcaster broadcaster,
      Consumer<Throwable> onFatal) {
    this.onFatal = onFatal;
    this.store = store;
    this.supervisor = supervisor;
    this.clock = clock;
    this.settings = settings;
    this.broadcaster = broadcaster;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, runnable -> daemon(runnable, "cairn-timers"));
    executor.setRemoveOnCancelPolicy(true);
    this.timers = executor;
    this.launcher = new AttemptLauncher(settings, supervisor);
    this.sweeper = new StraySweeper(supervisor, settings.markerPrefix(), () -> liveMarkers);
    sweeper.start(executor);
    this.thread = new Thread(this::loop, "cairn-engine");
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  /** The outcome of a submit: the run id and whether an earlier submit had created it. */
  public record Submitted(String runId, boolean existing) {}

  /**
   * Starts the engine thread, which recovers from the log and then waits for {@link #open()} before
   * it starts any step or takes any command.
   */
  public void start() {
    thread.start();
  }

  /**
   * Lets the engine go on from recovery to work: the server calls it once its listener is bound, so
   * that a start that fails there has started no step.
   */
  public void open() {
    opened.countDown();
  }

  /**
   * Blocks until recovery finished and the engine takes work (true), or recovery failed or the
   * timeout passed (false; {@link #recoveryFailed()} tells which).
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && !recoveryFailed;
  }

  /** Whether recovery failed, so that the engine never took work. */
  public boolean recoveryFailed() {
    return recoveryFailed;
  }

  /**
   * Validates and submits a spec without blocking: the future completes, on the engine thread, once
   * RunSubmitted is durable, or with the existing run for a repeated request id (which the engine
   * thread looks up, so that callers never wait on the store).
   */
  public CompletableFuture<Submitted> submit(
      WorkflowSpec spec, String requestId, String principal) {
    validate(spec);
    return submitUnvalidated(spec, requestId, principal);
  }

  /**
   * Submits without validation: for tests of what the engine does with a spec that validation
   * should have refused (each of its steps must fail on its own, and nothing else).
   */
  CompletableFuture<Submitted> submitUnvalidated(
      WorkflowSpec spec, String requestId, String principal) {
    CompletableFuture<Submitted> future = new CompletableFuture<>();
    enqueue(new Input.Submit(spec, requestId, principal, future));
    return future;
  }

  /** Checks a spec without recording anything. */
  public void validate(WorkflowSpec spec) {
    SpecValidator.validate(spec, settings.specLimits());
  }

  /** Requests a cancel; completes with the run's status once RunCancelRequested is durable. */
  public CompletableFuture<RunStatus> cancel(String runId, String reason, String principal) {
    CompletableFuture<RunStatus> future = new CompletableFuture<>();
    enqueue(new Input.Cancel(runId, reason, principal, future));
    return future;
  }

  /** Attempts whose processes run now. */
  public int runningAttempts() {
    return runningAttempts;
  }

  /** Runs not yet terminal. */
  public int liveRuns() {
    return liveRuns;
  }

  /** Attempts started since the engine started. */
  public long attemptsStarted() {
    return attemptsStarted.get();
  }

  private void enqueue(Input input) {
    boolean clientCommand = input instanceof Input.Submit || input instanceof Input.Cancel;
    if (!clientCommand && !running) {
      // A late exit or start report after the engine stopped: recovery takes it from the log.
      return;
    }
    if (!running || (clientCommand && !accepting)) {
      throw new EngineStoppedException();
    }
    inbox.add(input);
    if (!running && inbox.remove(input)) {
      // The engine stopped between the check and the add, and will not drain its inbox again.
      input.fail(new EngineStoppedException());
    }
  }

  private void loop() {
    try {
      if (recovered() && opened()) {
        work();
      }
      if (accepting && !recoveryFailed) {
        // Only close() ends the work loop: ended any other way, nothing would take commands.
        throw new IllegalStateException("the engine thread ended without a shutdown");
      }
    } catch (Throwable e) {
      // An Error (out of memory, a bug in the engine) leaves its state in doubt: the server must
      // not stay up answering UNAVAILABLE while saying SERVING. It exits, and recovery takes over.
      onFatal.accept(e);
    } finally {
      // However the thread ends, commands still queued get an answer rather than waiting forever.
      running = false;
      failOutstanding(new EngineStoppedException());
      stopped.countDown();
    }
  }

  private boolean recovered() {
    try {
      recover();
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
    while (running) {
      try {
        batch.clear();
        Input first =
            pending.isEmpty()
                ? inbox.take()
                : inbox.poll(Math.max(0, commitDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (first != null) {
          batch.add(first);
          inbox.drainTo(batch, MAX_BATCH);
        }
        for (Input input : batch) {
          uncommittedInputs.add(input);
          try {
            handle(input);
          } catch (RuntimeException e) {
            inputFailed(input, e);
          }
        }
        // A client waiting for an answer is answered first, and no step of a run starts before
        // the run's submission is durable. Otherwise starts go out before the commit, so a step's
        // successor never waits for an fsync; if that commit fails, rollBack stops what it
        // started.
        if (!acks.isEmpty()) {
          commit();
        }
        if (!storeFull && !shuttingDown) {
          startReadyAttempts();
        }
        if (commitDue()) {
          commit();
        }
        if (shuttingDown) {
          if (processes.isEmpty() && launching.isEmpty() && pending.isEmpty()) {
            running = false;
          }
          continue;
        }
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

  private void handle(Input input) {
    Instant now = clock.now();
    if (input instanceof Input.Shutdown) {
      beginShutdown();
      return;
    }
    if (input instanceof Input.Submit submit) {
      String duplicate = earlierRun(submit.requestId());
      if (duplicate != null) {
        acks.add(
            new Ack(
                () -> submit.future().complete(new Submitted(duplicate, true)), submit.future()));
        return;
      }
      String runId = RunIds.next(now);
      Decision decision =
          Decider.decide(
              runId,
              null,
              new Trigger.Submit(submit.spec(), submit.requestId(), submit.principal()),
              now);
      apply(runId, decision);
      if (!submit.requestId().isEmpty()) {
        batchRequests.put(submit.requestId(), runId);
      }
      acks.add(
          new Ack(() -> submit.future().complete(new Submitted(runId, false)), submit.future()));
    } else if (input instanceof Input.Cancel cancel) {
      RunState state = live.get(cancel.runId());
      if (state == null) {
        // Not live: either finished (answer its status) or unknown.
        Optional<RunStatus> status =
            store.findRun(cancel.runId()).map(dev.cairn.v1.RunSummary::getStatus);
        if (status.isEmpty()) {
          cancel.future().completeExceptionally(new RunNotFoundException(cancel.runId()));
        } else {
          cancel.future().complete(status.get());
        }
        return;
      }
      Decision decision =
          Decider.decide(
              cancel.runId(),
              state,
              new Trigger.Cancel(cancel.reason(), cancel.principal()),
              now,
              launchingSteps(cancel.runId()));
      apply(cancel.runId(), decision);
      RunStatus status = decision.state().status();
      acks.add(new Ack(() -> cancel.future().complete(status), cancel.future()));
    } else if (input instanceof Input.Fire fire) {
      // Whatever it is, it may free a slot of the run or make a step ready.
      markSchedulable(fire.runId());
      Trigger trigger = fire.trigger();
      if (trigger instanceof Trigger.AttemptStarted started) {
        launched(fire.runId(), started.stepId());
        onStarted(fire.runId(), live.get(fire.runId()), started);
        return;
      }
      if (trigger instanceof Trigger.AttemptSpawnFailed failed
          && launched(fire.runId(), failed.stepId())) {
        runningAttempts--;
        liveMarkers.remove(settings.marker(fire.runId(), failed.stepId(), failed.attempt()));
      }
      if (trigger instanceof Trigger.AttemptExited exited) {
        forget(fire.runId(), exited.stepId(), exited.attempt());
        boolean clean = exited.exitCode() == 0 && exited.signal() == 0;
        if (shuttingDown && !clean) {
          // Stopped by the shutdown, not failed on its own: retried after the restart.
          trigger =
              new Trigger.AttemptInterrupted(exited.stepId(), exited.attempt(), exited.duration());
        }
      }
      RunState state = live.get(fire.runId());
      if (state != null) {
        apply(
            fire.runId(),
            Decider.decide(fire.runId(), state, trigger, now, launchingSteps(fire.runId())));
      }
    }
    if (input instanceof Input.Wakeup) {
      // The engine starts, or retries after a full disk: the pass after it looks at every run, and
      // a stopping run settles the steps whose launch a crash or a failed commit took away. A disk
      // still full fails this pass's commit and sets storeFull again.
      storeFull = false;
      for (Map.Entry<String, RunState> entry : List.copyOf(live.entrySet())) {
        markSchedulable(entry.getKey());
        if (entry.getValue().stopping()) {
          try {
            apply(
                entry.getKey(),
                Decider.decide(
                    entry.getKey(),
                    entry.getValue(),
                    new Trigger.Resume(),
                    now,
                    launchingSteps(entry.getKey())));
          } catch (RuntimeException e) {
            setAside(entry.getKey(), e);
          }
        }
      }
    } else if (input instanceof Input.RetryDue due) {
      markSchedulable(due.runId());
      // A timer may fire a little before the clock reaches the due time (the wall clock can be
      // slewed): ask again then, or the retry would wait for some other input of its run.
      RunState state = live.get(due.runId());
      Instant next = state == null ? null : Scheduler.nextDue(state);
      if (next != null && next.isAfter(now)) {
        schedule(next, due);
      }
    }
  }

  /**
   * An input could not be handled: a bug, or a spec that validation should have refused. Only the
   * run it concerns suffers; the engine goes on serving the others.
   */
  private void inputFailed(Input input, RuntimeException error) {
    if (input instanceof Input.Submit submit) {
      LOG.errorf(error, "a submit failed; no run was created: %s", error.toString());
      submit.fail(error);
    } else if (input instanceof Input.Cancel cancel) {
      setAside(cancel.runId(), error);
      cancel.fail(error);
    } else if (input instanceof Input.Fire fire) {
      setAside(fire.runId(), error);
    } else if (input instanceof Input.RetryDue due) {
      setAside(due.runId(), error);
    } else {
      LOG.errorf(error, "the engine could not handle %s", input);
    }
  }

  /**
   * Takes a run the engine cannot decide out of the live set, so that it is not decided again on
   * every pass, and stops its processes. The log keeps what was recorded; the next start takes the
   * run up again from there (its attempts then count as LOST). Logged once.
   */
  private void setAside(String runId, RuntimeException error) {
    if (!live.containsKey(runId)) {
      return;
    }
    LOG.errorf(
        error,
        "run %s is set aside after an internal error, and its processes are stopped; it stays as"
            + " recorded until the server starts again: %s",
        runId,
        error.toString());
    retire(runId);
    liveRuns = live.size();
    for (AttemptKey key : List.copyOf(processes.keySet())) {
      if (key.runId().equals(runId)) {
        stop(runId, key.stepId(), key.attempt());
      }
    }
  }

  private void markSchedulable(String runId) {
    if (live.containsKey(runId)) {
      schedulable.put(liveOrder.computeIfAbsent(runId, id -> nextLiveOrder++), runId);
    }
  }

  // The run left the live set: it has nothing more to schedule.
  private void retire(String runId) {
    live.remove(runId);
    Long order = liveOrder.remove(runId);
    if (order != null) {
      schedulable.remove(order);
    }
  }

  /**
   * The run an earlier submit with this request id created, in this batch or in the store; the
   * store is asked only when the batch has none.
   */
  private String earlierRun(String requestId) {
    if (requestId.isEmpty()) {
      return null;
    }
    String inBatch = batchRequests.get(requestId);
    return inBatch != null ? inBatch : store.runIdForRequest(requestId).orElse(null);
  }

  /**
   * Whether to commit now rather than gather more events into the same transaction: a client waits
   * for an acknowledgement, the commit window has passed, the batch is large, nothing is running,
   * or the engine is stopping. Until then decided events are held in order and acted on (an attempt
   * may start after its upstream's success was decided but before it is durable); a crash in the
   * window loses only decisions whose attempts are then run again, which at-least-once allows.
   * Nothing reaches a client, a watcher or a timer before its commit.
   */
  private boolean commitDue() {
    return !acks.isEmpty()
        || pending.size() >= MAX_BATCH
        || System.nanoTime() - commitDeadline >= 0
        || idle()
        || shuttingDown
        || storeFull;
  }

  // Nothing runs and nothing waits to be decided: no later event could share this commit before a
  // timer fires, so a run's last events reach watchers at once rather than at the window's end.
  private boolean idle() {
    return runningAttempts == 0 && inbox.isEmpty();
  }

  private void apply(String runId, Decision decision) {
    if (decision.events().isEmpty()) {
      return;
    }
    if (pending.isEmpty()) {
      commitDeadline = System.nanoTime() + settings.commitWindow().toNanos();
    }
    pending.addAll(decision.events());
    live.put(runId, decision.state());
    markSchedulable(runId);
  }

  /** Appends everything decided in this pass as one transaction, then performs its effects. */
  private void commit() {
    if (pending.isEmpty()) {
      completeAcks();
      return;
    }
    List<Event> stored;
    try {
      stored = store.append(List.copyOf(pending));
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
      retryLater();
      return;
    }
    storeFull = false;
    pending.clear();
    uncommittedInputs.clear();
    batchRequests.clear();
    completeAcks();
    broadcaster.publish(stored);
    Set<String> touched = new HashSet<>();
    for (Event event : stored) {
      try {
        effect(event);
      } catch (RuntimeException e) {
        setAside(event.getRunId(), e);
      }
      touched.add(event.getRunId());
    }
    // Once per run, not per event: a cancel or a fail-fast failure stops every running attempt.
    for (String runId : touched) {
      try {
        stopAllIfStopping(runId);
      } catch (RuntimeException e) {
        setAside(runId, e);
      }
    }
    liveRuns = live.size();
  }

  private void completeAcks() {
    for (Ack ack : acks) {
      ack.complete().run();
    }
    acks.clear();
  }

  /** Puts the internal work of the failed batch back, to be decided again after a pause. */
  private void retryLater() {
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
        timers.schedule(() -> inbox.add(input), 1, TimeUnit.SECONDS);
      }
    }
    uncommittedInputs.clear();
    timers.schedule(() -> inbox.add(new Input.Wakeup()), 1, TimeUnit.SECONDS);
  }

  private void rollBack(RuntimeException cause) {
    Set<String> touched = new HashSet<>();
    for (Event event : pending) {
      touched.add(event.getRunId());
    }
    pending.clear();
    batchRequests.clear();
    for (Ack ack : acks) {
      ack.future().completeExceptionally(new StoreUnavailableException(cause));
    }
    acks.clear();
    // The in-memory state ran ahead of the log: fold the touched runs again from what is durable,
    // and stop any attempt whose start was never recorded, so no process runs unaccounted for.
    for (String runId : touched) {
      RunState durable = Evolver.replay(store.readRun(runId, 0, Integer.MAX_VALUE));
      if (durable == null || durable.isTerminal()) {
        retire(runId);
      } else {
        live.put(runId, durable);
        markSchedulable(runId);
      }
    }
    processes
        .entrySet()
        .removeIf(
            entry -> {
              AttemptKey key = entry.getKey();
              RunState state = live.get(key.runId());
              StepState step = state == null ? null : state.step(key.stepId());
              boolean recorded =
                  step != null && step.isRunning() && step.attempt() == key.attempt();
              if (!recorded) {
                String marker = settings.marker(key.runId(), key.stepId(), key.attempt());
                supervisor.kill(entry.getValue(), marker);
                liveMarkers.remove(marker);
                stopsSent.remove(key);
              }
              return !recorded;
            });
    runningAttempts = processes.size() + launching.values().stream().mapToInt(Set::size).sum();
  }

  private void effect(Event event) {
    String runId = event.getRunId();
    switch (event.getPayloadCase()) {
      case STEP_STARTED -> {
        var started = event.getStepStarted();
        if (started.hasDeadline()) {
          Trigger trigger = new Trigger.TimeoutDue(started.getStepId(), started.getAttempt());
          schedule(
              dev.cairn.server.engine.Times.instant(started.getDeadline()),
              new Input.Fire(runId, trigger));
        }
      }
      case STEP_RETRY_SCHEDULED ->
          schedule(
              dev.cairn.server.engine.Times.instant(event.getStepRetryScheduled().getDueTime()),
              new Input.RetryDue(runId));
      case STEP_TIMED_OUT -> {
        var timedOut = event.getStepTimedOut();
        stop(runId, timedOut.getStepId(), timedOut.getAttempt());
      }
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> retire(runId);
      default -> {}
    }
  }

  private void stopAllIfStopping(String runId) {
    RunState state = live.get(runId);
    if (state != null && state.stopping()) {
      for (StepState step : state.steps()) {
        if (step.isRunning()) {
          stop(runId, step.id(), step.attempt());
        }
      }
    }
  }

  private void stop(String runId, String stepId, int attempt) {
    AttemptKey key = new AttemptKey(runId, stepId, attempt);
    Launched process = processes.get(key);
    if (process != null && stopsSent.add(key)) {
      supervisor.stop(process, settings.marker(runId, stepId, attempt));
    }
  }

  private void schedule(Instant when, Input input) {
    long delay = Math.max(0, Duration.between(clock.now(), when).toNanos());
    timers.schedule(() -> enqueue(input), delay, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts every attempt that is ready, within the global and per-run caps, oldest run first. Only
   * the schedulable runs are asked, so a pass costs what changed, not the number of live runs.
   */
  private void startReadyAttempts() {
    Instant now = clock.now();
    Iterator<String> runs = schedulable.values().iterator();
    while (runs.hasNext()) {
      int free = settings.maxParallel() - runningAttempts;
      if (free <= 0) {
        // The rest stay schedulable: an exit anywhere frees a slot and brings the next pass.
        return;
      }
      String runId = runs.next();
      List<Scheduler.Start> starts;
      try {
        starts = Scheduler.startable(live.get(runId), now, free, launchingSteps(runId));
      } catch (RuntimeException e) {
        runs.remove();
        setAside(runId, e);
        continue;
      }
      if (starts.size() < free) {
        // Not held back by the global cap: nothing more of it can start until an input for it.
        runs.remove();
      }
      for (Scheduler.Start start : starts) {
        launch(runId, start);
      }
    }
    assert noneForgotten(now) : "a live run with a ready step is not schedulable";
  }

  // For tests (run with assertions): no run left the schedulable set with a step ready to start.
  // A retry that fell due since its run was last asked does not count: its RetryDue is on its way.
  private boolean noneForgotten(Instant now) {
    int free = settings.maxParallel() - runningAttempts;
    if (free <= 0) {
      return true;
    }
    for (Map.Entry<String, RunState> entry : live.entrySet()) {
      Long order = liveOrder.get(entry.getKey());
      if (order != null && schedulable.containsKey(order)) {
        continue;
      }
      RunState state = entry.getValue();
      for (Scheduler.Start start :
          Scheduler.startable(state, now, free, launchingSteps(entry.getKey()))) {
        if (state.step(start.stepId()).status() != StepStatus.STEP_STATUS_RETRY_WAIT) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Hands an attempt to a spawner thread and returns at once, so the engine thread never waits for
   * an exec: the step holds its slot while it is launching, and the start (or the spawn error)
   * comes back as a trigger.
   */
  private void launch(String runId, Scheduler.Start start) {
    RunState state = live.get(runId);
    String marker = settings.marker(runId, start.stepId(), start.attempt());
    // Registered before the process exists, so the stray sweep never mistakes it for a leftover.
    liveMarkers.add(marker);
    try {
      launcher.launch(
          state,
          start,
          started -> enqueue(new Input.Fire(runId, started)),
          exited -> enqueue(new Input.Fire(runId, exited)));
    } catch (RuntimeException e) {
      // Whatever refused the launch (a request the launcher rejects, a closed supervisor), it is
      // this attempt's spawn error: the step fails by its policies and the engine goes on.
      String message = "cannot launch: " + (e.getMessage() != null ? e.getMessage() : e.toString());
      LOG.errorf(
          e, "run %s, step %s, attempt %d: %s", runId, start.stepId(), start.attempt(), message);
      inbox.add(
          new Input.Fire(
              runId, new Trigger.AttemptSpawnFailed(start.stepId(), start.attempt(), message)));
    }
    launching.computeIfAbsent(runId, id -> new HashSet<>()).add(start.stepId());
    runningAttempts++;
    attemptsStarted.incrementAndGet();
  }

  /** The run's steps whose attempt is being launched: started, perhaps, but not yet recorded. */
  private Set<String> launchingSteps(String runId) {
    return launching.getOrDefault(runId, Set.of());
  }

  /** A launch finished: true if it was one this engine was waiting for. */
  private boolean launched(String runId, String stepId) {
    Set<String> steps = launching.get(runId);
    if (steps == null || !steps.remove(stepId)) {
      return false;
    }
    if (steps.isEmpty()) {
      launching.remove(runId);
    }
    return true;
  }

  /** Records a started attempt, or kills it when its step no longer wants it. */
  private void onStarted(String runId, RunState state, Trigger.AttemptStarted started) {
    AttemptKey key = new AttemptKey(runId, started.stepId(), started.attempt());
    Launched process = new Launched(started.pid(), started.pgid(), started.startTicks());
    processes.put(key, process);
    injectedFault.ifPresent(fault -> fault.check(state));
    Decision decision =
        state == null
            ? null
            : Decider.decide(runId, state, started, clock.now(), launchingSteps(runId));
    if (decision == null || decision.events().isEmpty()) {
      // Its step no longer wants it. A cancel or a fail-fast does not get here: they leave a
      // launching step alone, so its start is recorded and then stopped like any other.
      supervisor.kill(process, started.marker());
      return;
    }
    apply(runId, decision);
    // A shutdown, or a cancel or fail-fast that overtook the launch: stop it now rather than after
    // the commit window. Should the start never become durable, recovery's sweep finds the marker.
    if ((shuttingDown || decision.state().stopping()) && stopsSent.add(key)) {
      supervisor.stop(process, started.marker());
    }
  }

  /** Drops the bookkeeping of an attempt whose process group is gone. */
  private void forget(String runId, String stepId, int attempt) {
    AttemptKey key = new AttemptKey(runId, stepId, attempt);
    if (processes.remove(key) != null) {
      runningAttempts--;
    }
    stopsSent.remove(key);
    liveMarkers.remove(settings.marker(runId, stepId, attempt));
    sweeper.markDirty();
  }

  /**
   * Graceful shutdown, on the engine thread: no new attempt starts, every running attempt is
   * stopped (SIGTERM to its group, the grace period, SIGKILL), and each is recorded as interrupted
   * once its group is gone, so the next start attempts it again.
   */
  private void beginShutdown() {
    shuttingDown = true;
    for (Map.Entry<AttemptKey, Launched> entry : processes.entrySet()) {
      AttemptKey key = entry.getKey();
      if (stopsSent.add(key)) {
        supervisor.stop(
            entry.getValue(), settings.marker(key.runId(), key.stepId(), key.attempt()));
      }
    }
    if (processes.isEmpty() && launching.isEmpty()) {
      running = false;
    }
  }

  private void recover() {
    new Recovery(store, supervisor, settings, clock).run(live, pending, this::schedule);
    commit();
    if (storeFull) {
      // Recovery killed the attempts it found running; recording them LOST failed, and nothing
      // would decide them again, so the engine does not start on a state it could not record.
      throw new IllegalStateException(
          "recovery could not record the attempts it found running: the disk is full;"
              + " free space and start the server again");
    }
  }

  private void failOutstanding(RuntimeException error) {
    for (Ack ack : acks) {
      ack.future().completeExceptionally(error);
    }
    acks.clear();
    List<Input> left = new ArrayList<>();
    inbox.drainTo(left);
    for (Input input : left) {
      input.fail(error);
    }
  }

  /**
   * Shuts down gracefully: refuses new client work, stops every running attempt and records it as
   * interrupted, then ends the engine thread. Waits at most the stop grace period plus a second;
   * anything still running after that is killed, and its StepStarted stays the last fact in the
   * log, so the next start records it as LOST.
   */
  @Override
  public void close() {
    accepting = false;
    boolean stopping = running && thread.isAlive();
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
        stopped.await(settings.stopGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    running = false;
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    for (Map.Entry<AttemptKey, Launched> entry : processes.entrySet()) {
      AttemptKey key = entry.getKey();
      supervisor.kill(entry.getValue(), settings.marker(key.runId(), key.stepId(), key.attempt()));
    }
  }

  private record Ack(Runnable complete, CompletableFuture<?> future) {}
}
