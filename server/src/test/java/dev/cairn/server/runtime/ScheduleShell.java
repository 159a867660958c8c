package dev.cairn.server.runtime;

import dev.cairn.server.engine.Times;
import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.GetScheduleResponse;
import dev.cairn.v1.OverlapPolicy;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.ScheduleDefinition;
import dev.cairn.v1.ScheduleDefinition.Builder;
import dev.cairn.v1.ScheduleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The schedules over the engine shell ({@link ShellHarness}): a real engine on an in-memory store,
 * scripted attempts and a settable clock, all driven on the test's thread. Submits and cancels the
 * schedules make are run through the engine's passes before they are awaited, as the engine thread
 * would run them.
 */
final class ScheduleShell {
  final ShellHarness shell;
  final Schedules schedules;

  ScheduleShell(InMemoryEventStore.Log log, Instant now) {
    shell = new ShellHarness(log);
    shell.clock.advance(Duration.between(shell.clock.now(), now));
    shell.started();
    schedules = new Schedules(shell.store.scheduleLog(), new Drained(this), shell.clock);
    schedules.load();
  }

  /** A definition that runs one step "a" with the given cron expression, UTC. */
  static Builder definition(String id, String cron, OverlapPolicy overlap, Duration window) {
    return ScheduleDefinition.newBuilder()
        .setScheduleId(id)
        .setSpec(ShellSpecs.spec(ShellSpecs.step("a")))
        .setCron(cron)
        .setOverlapPolicy(overlap)
        .setCatchUpWindow(Times.duration(window));
  }

  GetScheduleResponse create(Builder definition) {
    return schedules.create(definition.build(), true, false, "test");
  }

  /** Moves the clock to the instant and fires what is due then. */
  void tickAt(Instant now) {
    shell.clock.advance(Duration.between(shell.clock.now(), now));
    schedules.tick();
  }

  /** Every run in the store, with the RunSubmitted of each. */
  List<RunSubmitted> submitted() {
    List<RunSubmitted> runs = new ArrayList<>();
    for (Event event : shell.store.readAll(0, Integer.MAX_VALUE)) {
      if (event.hasRunSubmitted()) {
        runs.add(event.getRunSubmitted());
      }
    }
    return runs;
  }

  /** The nominal times of the runs of the schedule, in submit order. */
  List<Instant> runTimes(String scheduleId) {
    return submitted().stream()
        .filter(run -> run.getScheduleId().equals(scheduleId))
        .map(run -> Times.instant(run.getNominalTime()))
        .toList();
  }

  String runOf(Instant nominal) {
    for (Event event : shell.store.readAll(0, Integer.MAX_VALUE)) {
      if (event.hasRunSubmitted()
          && Times.instant(event.getRunSubmitted().getNominalTime()).equals(nominal)) {
        return event.getRunId();
      }
    }
    throw new AssertionError("no run for " + nominal);
  }

  /** Ends the run: its one step's attempt starts and exits 0. */
  void finish(String runId) {
    ScriptedRunner.Launch launch = shell.runner.launch(runId, "a");
    shell.then(launch::started);
    shell.then(() -> launch.exited(0, 0));
  }

  List<ScheduleEvent> stream(String id) {
    return shell.store.scheduleLog().readSchedule(id, 0, Integer.MAX_VALUE);
  }

  /** The engine's runs, with each submit and cancel run through the engine's passes at once. */
  static final class Drained implements ScheduleRuns {
    private final ShellHarness shell;

    Drained(ScheduleShell schedules) {
      this.shell = schedules.shell;
    }

    private ScheduleRuns real() {
      return ScheduleRuns.of(shell.engine, shell.store);
    }

    @Override
    public void check(ScheduleDefinition definition) {
      real().check(definition);
    }

    @Override
    public CompletableFuture<Engine.Submitted> submit(
        ScheduleDefinition definition, String requestId, Instant nominal) {
      CompletableFuture<Engine.Submitted> future = real().submit(definition, requestId, nominal);
      shell.drain();
      return future;
    }

    @Override
    public CompletableFuture<RunStatus> cancel(String runId, String reason) {
      CompletableFuture<RunStatus> future = real().cancel(runId, reason);
      shell.drain();
      return future;
    }

    @Override
    public Optional<RunStatus> status(String runId) {
      return real().status(runId);
    }

    @Override
    public Optional<String> runForRequest(String requestId) {
      return real().runForRequest(requestId);
    }
  }
}
