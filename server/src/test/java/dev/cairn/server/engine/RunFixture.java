package dev.cairn.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Argv;
import dev.cairn.v1.Event;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Given/when/then over events for the pure core: {@code given} folds a history, {@code when} feeds
 * a trigger at the fixture's settable time, and the assertions read the decided events.
 */
final class RunFixture {
  static final String RUN = "run-1";
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  RunState state;
  final List<Event> history = new ArrayList<>();
  List<Event> decided = List.of();

  static StepSpec step(String id, String... dependsOn) {
    return StepSpec.newBuilder()
        .setId(id)
        .setRun("true")
        .addAllDependsOn(List.of(dependsOn))
        .build();
  }

  static WorkflowSpec spec(StepSpec... steps) {
    return WorkflowSpec.newBuilder().setName("test").addAllSteps(List.of(steps)).build();
  }

  static RetryPolicy retry(int attempts, Duration initial, double multiplier, double jitter) {
    return RetryPolicy.newBuilder()
        .setMaxAttempts(attempts)
        .setInitialBackoff(Times.duration(initial))
        .setMultiplier(multiplier)
        .setJitter(jitter)
        .build();
  }

  static StepSpec argv(String id, String... args) {
    return StepSpec.newBuilder()
        .setId(id)
        .setArgv(Argv.newBuilder().addAllArgs(List.of(args)))
        .build();
  }

  RunFixture submitted(WorkflowSpec spec) {
    return when(new Trigger.Submit(spec, "", "test"));
  }

  RunFixture when(Trigger trigger) {
    return whileLaunching(Set.of(), trigger);
  }

  /** The trigger decided while the engine is launching attempts of these steps. */
  RunFixture whileLaunching(Set<String> launching, Trigger trigger) {
    Decision decision = Decider.decide(RUN, state, trigger, now, launching);
    decided = decision.events();
    history.addAll(decided);
    state = decision.state();
    // The decided state must equal a fold of the whole history: evolve is the only way state moves.
    assertThat(RunView.of(Evolver.replay(history))).isEqualTo(RunView.of(state));
    return this;
  }

  RunFixture advance(Duration duration) {
    now = now.plus(duration);
    return this;
  }

  /** Starts every startable attempt with fake pids, as the shell would after a commit. */
  List<Scheduler.Start> startReady(int globalFree) {
    List<Scheduler.Start> starts = Scheduler.startable(state, now, globalFree);
    for (Scheduler.Start start : starts) {
      started(start.stepId(), start.attempt());
    }
    return starts;
  }

  RunFixture started(String stepId, int attempt) {
    return when(
        new Trigger.AttemptStarted(stepId, attempt, 1000 + attempt, 1000 + attempt, 7, "m", "/o"));
  }

  RunFixture exited(String stepId, int attempt, int code) {
    return when(
        new Trigger.AttemptExited(stepId, attempt, code, 0, 10, false, Duration.ofMillis(5)));
  }

  List<Event.PayloadCase> decidedTypes() {
    return decided.stream().map(Event::getPayloadCase).toList();
  }

  StepState step(String id) {
    return state.step(id);
  }
}
