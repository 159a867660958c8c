package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.SpecLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The engine shell with nothing real around it: an in-memory store, scripted attempts, manual
 * timers and a settable clock, driven on the test's own thread. Every call that feeds the engine
 * runs its passes until nothing is left to do, so a test states an interleaving step by step.
 */
final class ShellHarness {
  final EngineSettings settings;
  final InMemoryEventStore.Log log;
  final InMemoryEventStore store;
  final ScriptedRunner runner;
  final ManualTimers timers = new ManualTimers();
  final SettableClock clock = new SettableClock();
  final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
  final EventBroadcaster broadcaster = new EventBroadcaster();
  final Engine engine;

  ShellHarness() {
    this(new InMemoryEventStore.Log());
  }

  /** A shell over an existing log: a restart of the server on the same store. */
  ShellHarness(InMemoryEventStore.Log log) {
    this(log, Duration.ZERO);
  }

  /**
   * @param commitWindow how long decided events may wait for a commit while attempts run; {@link
   *     #drain} commits them regardless, {@link #onePass} does not
   */
  ShellHarness(InMemoryEventStore.Log log, Duration commitWindow) {
    this.settings =
        new EngineSettings(
            Path.of("/nonexistent/cairn-data"),
            Path.of("/nonexistent/cairn-runs"),
            "shell-test",
            4,
            1 << 20,
            Duration.ofSeconds(1),
            SpecLimits.DEFAULT,
            Map.of(),
            commitWindow);
    this.runner = new ScriptedRunner(settings);
    this.log = log;
    this.store = new InMemoryEventStore(log);
    engine = new Engine(store, runner, timers, clock, settings, broadcaster, fatal::complete);
  }

  /** Recovers, then runs the first passes, as the engine thread does once opened. */
  ShellHarness started() {
    assertThat(engine.loop().recovered()).as("recovery").isTrue();
    engine.enqueue(new Input.Wakeup());
    drain();
    return this;
  }

  /**
   * Runs exactly one pass over what is queued now, as the engine thread does with one batch: events
   * not yet due for a commit stay pending.
   */
  void onePass() {
    List<Input> batch = new java.util.ArrayList<>();
    engine.inboxForTests().drainTo(batch, GroupCommit.MAX_BATCH);
    engine.loop().runOnePass(batch);
  }

  void drain() {
    engine.loop().drain();
  }

  String submit(WorkflowSpec spec) {
    return submit(spec, "");
  }

  String submit(WorkflowSpec spec, String requestId) {
    CompletableFuture<Engine.Submitted> submitted = engine.submit(spec, requestId, "test");
    drain();
    assertThat(submitted).isCompleted();
    return submitted.join().runId();
  }

  CompletableFuture<RunStatus> cancel(String runId) {
    CompletableFuture<RunStatus> cancelled = engine.cancel(runId, "test", "test");
    drain();
    return cancelled;
  }

  /** Fires a report (a start, an exit, a spawn error) and runs the passes it leads to. */
  void then(Runnable report) {
    report.run();
    drain();
  }

  /** Moves the clock on, fires the timers due by then, and runs the passes they lead to. */
  void advance(Duration by) {
    clock.advance(by);
    timers.fireDue(clock.now());
    drain();
  }

  void shutdown() {
    engine.enqueue(new Input.Shutdown());
    drain();
  }

  /** The run's committed events, by payload type. */
  List<Event.PayloadCase> history(String runId) {
    return store.readRun(runId, 0, Integer.MAX_VALUE).stream().map(Event::getPayloadCase).toList();
  }

  List<Event> events(String runId) {
    return store.readRun(runId, 0, Integer.MAX_VALUE);
  }

  RunStatus status(String runId) {
    return store.findRun(runId).orElseThrow().getStatus();
  }
}
