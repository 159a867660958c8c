package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.process.ProcessSupervisor;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RunOwnership;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.Params;
import dev.cairn.workflow.spec.RunFeatures;
import dev.cairn.workflow.spec.SpecValidator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The engine shell's facade: what the server and the gRPC adapter call. The shell is the loop
 * around the pure core ({@code engine.Decider}): one engine thread ({@link EngineLoop}) owns all
 * live run state ({@link LiveRuns}, {@link AttemptTable}); it takes inputs from a queue ({@link
 * Inbox}), asks the core for a decision of each ({@link InputHandler}), appends everything decided
 * in one pass as one transaction ({@link GroupCommit}), and only then performs the effects those
 * committed events authorize ({@link Effects}): acknowledging clients, arming timers, stopping
 * processes. Attempts that became ready start in the same pass ({@link StartPass}); their starts,
 * spawn errors and exits come back through {@link AttemptEvents} as inputs.
 *
 * <p>The name stays {@code Engine}: it is the engine as the rest of the server sees it, while the
 * package {@code engine} holds the pure rules it runs (Decider, Evolver, Scheduler).
 *
 * <p>The engine thread is also the one that spawns, through the supervisor's own long-lived spawner
 * thread, so no pool ever retires the thread a step's parent-death signal is tied to.
 */
public final class Engine implements AutoCloseable {
  private final EngineSettings settings;
  private final Inbox inbox = new Inbox();
  private final Timers timers;
  private final LiveRuns live = new LiveRuns();
  private final AttemptTable attempts;
  private final GroupCommit commit;
  private final EngineLoop loop;
  private final StartPass starts;
  private final NodeFence fence = new NodeFence();
  private final NodeRuns nodeRuns;
  private final InputHandler inputs;

  /** The outcome of a submit: the run id and whether an earlier submit had created it. */
  public record Submitted(String runId, boolean existing) {}

  /** The outcome of a rerun: the new run, and the steps it runs again (empty when existing). */
  public record Rerunning(String runId, boolean existing, List<String> rerunStepIds) {}

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
    this(store, supervisor, clock, settings, broadcaster, onFatal, Optional.empty());
  }

  /**
   * An engine that is a node of a cluster when {@code ownership} is given: it recovers only the
   * runs it can lease, takes over runs from {@link #adopt}, and drops runs it lost.
   */
  public Engine(
      EventStore store,
      ProcessSupervisor supervisor,
      EngineClock clock,
      EngineSettings settings,
      EventBroadcaster broadcaster,
      Consumer<Throwable> onFatal,
      Optional<RunOwnership> ownership) {
    this(
        store,
        new AttemptLauncher(settings, supervisor),
        new ScheduledTimers(clock),
        clock,
        settings,
        broadcaster,
        onFatal,
        ownership);
  }

  /** The shell over any runner and timers: the server's, or a test's scripted ones. */
  Engine(
      EventStore store,
      AttemptRunner runner,
      Timers timers,
      EngineClock clock,
      EngineSettings settings,
      EventBroadcaster broadcaster,
      Consumer<Throwable> onFatal) {
    this(store, runner, timers, clock, settings, broadcaster, onFatal, Optional.empty());
  }

  private Engine(
      EventStore store,
      AttemptRunner runner,
      Timers timers,
      EngineClock clock,
      EngineSettings settings,
      EventBroadcaster broadcaster,
      Consumer<Throwable> onFatal,
      Optional<RunOwnership> ownership) {
    this.settings = settings;
    this.nodeRuns = new NodeRuns(inbox, fence, runner, live);
    this.timers = timers;
    StraySweeper sweeper = new StraySweeper(runner, settings.markerPrefix(), this::liveMarkers);
    if (timers instanceof ScheduledTimers scheduled) {
      sweeper.start(scheduled.executor());
    }
    this.attempts = new AttemptTable(settings, runner, sweeper::markDirty);
    RunIsolation isolation = new RunIsolation(live, attempts);
    Effects effects = new Effects(live, attempts, timers, inbox);
    DroppedRuns dropped = new DroppedRuns(live, attempts);
    this.commit =
        new GroupCommit(
            store,
            broadcaster,
            settings,
            clock,
            live,
            attempts,
            effects,
            isolation,
            timers,
            inbox,
            onFatal,
            dropped);
    InputHandler handler =
        new InputHandler(store, clock, live, attempts, commit, effects, isolation, inbox, fence);
    this.inputs = handler;
    this.starts =
        new StartPass(settings, clock, live, attempts, isolation, new QueuedEvents(inbox));
    Recovery recovery = new Recovery(store, runner, settings, clock, ownership);
    if (ownership.isPresent()) {
      handler.handleOwnership(
          new OwnershipInputs(live, recovery, commit, effects, dropped, fence, inbox));
    }
    this.loop =
        new EngineLoop(
            inbox,
            handler,
            commit,
            starts,
            attempts,
            isolation,
            () -> recover(recovery, effects),
            onFatal,
            fence,
            dropped);
  }

  private java.util.Set<String> liveMarkers() {
    return attempts.liveMarkers();
  }

  private void recover(Recovery recovery, Effects effects) {
    RecoveryGate.awaitOpen();
    recovery.run(live.forRecovery(), commit::addRecovered, effects::schedule);
    commit.commit();
    if (commit.storeFull()) {
      // Recovery killed the attempts it found running; recording them LOST failed, and nothing
      // would decide them again, so the engine does not start on a state it could not record.
      throw new IllegalStateException(
          "recovery could not record the attempts it found running: the disk is full;"
              + " free space and start the server again");
    }
  }

  /**
   * Starts the engine thread, which recovers from the log and then waits for {@link #open()} before
   * it starts any step or takes any command.
   */
  public void start() {
    loop.start();
  }

  /**
   * Lets the engine go on from recovery to work: the server calls it once its listener is bound, so
   * that a start that fails there has started no step.
   */
  public void open() {
    loop.open();
  }

  /**
   * Blocks until recovery finished and the engine takes work (true), or recovery failed or the
   * timeout passed (false; {@link #recoveryFailed()} tells which).
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return loop.awaitReady(timeout);
  }

  /** Whether recovery failed, so that the engine never took work. */
  public boolean recoveryFailed() {
    return loop.recoveryFailed();
  }

  /**
   * Validates and submits a spec without blocking: the future completes, on the engine thread, once
   * RunSubmitted is durable, or with the existing run for a repeated request id (which the engine
   * thread looks up, so that callers never wait on the store).
   */
  public CompletableFuture<Submitted> submit(
      WorkflowSpec spec, String requestId, String principal) {
    return submit(spec, requestId, principal, Map.of(), Map.of());
  }

  /**
   * Validates and submits a spec with parameter values and labels given at submit: an unknown
   * parameter or a required one left out is refused here, with nothing recorded.
   */
  public CompletableFuture<Submitted> submit(
      WorkflowSpec spec,
      String requestId,
      String principal,
      Map<String, String> params,
      Map<String, String> labels) {
    return submit(spec, requestId, principal, params, labels, "", null);
  }

  /**
   * Submits the run of a schedule's firing, as {@link #submit(WorkflowSpec, String, String, Map,
   * Map)} does, with the schedule and the nominal time recorded in its RunSubmitted.
   */
  public CompletableFuture<Submitted> submitScheduled(
      WorkflowSpec spec,
      String requestId,
      Map<String, String> params,
      Map<String, String> labels,
      String scheduleId,
      java.time.Instant nominalTime) {
    return submit(
        spec, requestId, "schedule:" + scheduleId, params, labels, scheduleId, nominalTime);
  }

  private CompletableFuture<Submitted> submit(
      WorkflowSpec spec,
      String requestId,
      String principal,
      Map<String, String> params,
      Map<String, String> labels,
      String scheduleId,
      java.time.Instant nominalTime) {
    validate(spec);
    Map<String, String> resolved = Params.resolve(spec, params);
    RunFeatures.checkSubmitLabels(labels);
    Map<String, String> merged = new TreeMap<>(spec.getLabelsMap());
    merged.putAll(labels);
    CompletableFuture<Submitted> future = new CompletableFuture<>();
    inbox.enqueue(
        new Input.Submit(
            new Trigger.Submit(
                spec,
                requestId,
                principal,
                resolved,
                merged,
                "",
                List.of(),
                scheduleId,
                nominalTime),
            future));
    return future;
  }

  /**
   * Reruns a finished run as a new run linked to it: the future completes once the new run's
   * RunSubmitted is durable. Fails with {@link RunNotFoundException}, {@link
   * RunNotFinishedException}, or an {@code InvalidSpecException} naming an unknown step or
   * parameter.
   */
  public CompletableFuture<Rerunning> rerun(
      String runId,
      List<String> steps,
      String requestId,
      String principal,
      Map<String, String> params) {
    CompletableFuture<Rerunning> future = new CompletableFuture<>();
    inbox.enqueue(new Input.Rerun(runId, steps, requestId, principal, params, future));
    return future;
  }

  /**
   * Submits without validation: for tests of what the engine does with a spec that validation
   * should have refused (each of its steps must fail on its own, and nothing else).
   */
  CompletableFuture<Submitted> submitUnvalidated(
      WorkflowSpec spec, String requestId, String principal) {
    CompletableFuture<Submitted> future = new CompletableFuture<>();
    inbox.enqueue(new Input.Submit(new Trigger.Submit(spec, requestId, principal), future));
    return future;
  }

  /** Checks a spec without recording anything. */
  public void validate(WorkflowSpec spec) {
    SpecValidator.validate(spec, settings.specLimits());
  }

  /** The largest spec, or workflow file, a submit may carry, in bytes. */
  public int maxSpecBytes() {
    return settings.specLimits().maxSpecBytes();
  }

  /** Requests a cancel; completes with the run's status once RunCancelRequested is durable. */
  public CompletableFuture<RunStatus> cancel(String runId, String reason, String principal) {
    CompletableFuture<RunStatus> future = new CompletableFuture<>();
    inbox.enqueue(new Input.Cancel(runId, reason, principal, future));
    return future;
  }

  /**
   * Tells {@code observer} of every commit and spawn from now on; set before {@link #start()}, as
   * the engine thread reads it without a lock.
   */
  /**
   * Sets the most workflow spec the runs not yet ended may hold together (a quarter of the heap
   * unless set): a submit or rerun past it is refused with {@link LiveRunsOverBudgetException}.
   * Call before {@link #start}.
   */
  public void limitLiveSpecBytes(long budget) {
    inputs.limitLiveSpecBytes(budget);
  }

  public void observe(EngineObserver observer) {
    commit.observe(observer);
    attempts.observe(observer);
  }

  /** Whether the last commit failed for a full disk: the engine takes no new work until space. */
  public boolean storeFull() {
    return commit.diskFull();
  }

  /** Steps ready to start that wait for a free slot under the server's cap, as last counted. */
  public int waitingForSlot() {
    return starts.waitingForSlot();
  }

  /** Attempts whose processes run now. */
  public int runningAttempts() {
    return attempts.running();
  }

  /** Runs not yet terminal. */
  public int liveRuns() {
    return live.publishedCount();
  }

  /** Attempts started since the engine started. */
  public long attemptsStarted() {
    return attempts.started();
  }

  /** The engine's runs as a node of a cluster handles them: takeovers, losses, fencing. */
  public NodeRuns nodeRuns() {
    return nodeRuns;
  }

  /** Whether the node fenced itself and has not joined again (always false on a single server). */
  public boolean fenced() {
    return nodeRuns.fenced();
  }

  /** Whether the database could not be reached at the last commit. */
  public boolean storeUnreachable() {
    return commit.unreachable();
  }

  /** For tests that drive the shell on their own thread: the loop, never started. */
  EngineLoop loop() {
    return loop;
  }

  /** For tests: how long the engine waits before it tries an unreachable database again. */
  void retryUnreachableAfter(Duration pause) {
    commit.retryUnreachableAfter(pause);
  }

  /** For tests that take batches themselves. */
  Inbox inboxForTests() {
    return inbox;
  }

  /** For tests: queues an input as the engine's own work would. */
  void enqueue(Input input) {
    inbox.enqueue(input);
  }

  /**
   * Shuts down gracefully: refuses new client work, stops every running attempt and records it as
   * interrupted, then ends the engine thread. Waits at most the stop grace period plus a second;
   * anything still running after that is killed, and its StepStarted stays the last fact in the
   * log, so the next start records it as LOST.
   */
  @Override
  public void close() {
    loop.close(settings.stopGrace());
    timers.close();
    attempts.killAll();
  }

  /** Starts, spawn errors and exits, queued as inputs for the engine thread. */
  private record QueuedEvents(Inbox inbox) implements AttemptEvents {
    @Override
    public void started(String runId, Trigger.AttemptStarted started) {
      inbox.enqueue(new Input.Fire(runId, started));
    }

    @Override
    public void spawnFailed(String runId, Trigger.AttemptSpawnFailed failed) {
      inbox.enqueue(new Input.Fire(runId, failed));
    }

    @Override
    public void exited(String runId, Trigger.AttemptExited exited) {
      inbox.enqueue(new Input.Fire(runId, exited));
    }
  }
}
