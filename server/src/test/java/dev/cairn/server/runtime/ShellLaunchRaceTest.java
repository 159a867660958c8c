package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.failFast;
import static dev.cairn.server.runtime.ShellSpecs.retried;
import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_CANCELLED;
import static dev.cairn.v1.Event.PayloadCase.RUN_CANCEL_REQUESTED;
import static dev.cairn.v1.Event.PayloadCase.RUN_FAILED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_CANCELLED;
import static dev.cairn.v1.Event.PayloadCase.STEP_FAILED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SKIPPED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.engine.Trigger;
import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The races between a launch and what overtakes it, replayed step by step: a cancel or a fail-fast
 * while a step is being launched (d1af3d8, 4b9ee19), a spawn error after a cancel, a start no step
 * wants any more, a launch the launcher refuses (2f6a429).
 */
class ShellLaunchRaceTest {
  private final ShellHarness shell = new ShellHarness().started();

  @Test
  void aCancelWhileALaunchIsInFlightRecordsTheStartThenStopsItAtOnce() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");

    assertThat(shell.cancel(run)).isCompletedWithValue(RunStatus.RUN_STATUS_CANCELLING);
    // The step is launching: the cancel leaves it alone, and the run does not end yet.
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, RUN_CANCEL_REQUESTED);

    shell.then(a::started);
    assertThat(shell.history(run))
        .containsExactly(RUN_SUBMITTED, RUN_CANCEL_REQUESTED, STEP_STARTED);
    assertThat(shell.runner.stops).containsExactly(a.marker);
    assertThat(shell.runner.kills).isEmpty();

    shell.then(() -> a.exited(0, 15));
    assertThat(shell.history(run))
        .containsExactly(
            RUN_SUBMITTED, RUN_CANCEL_REQUESTED, STEP_STARTED, STEP_CANCELLED, RUN_CANCELLED);
    assertThat(shell.engine.runningAttempts()).isZero();
    assertThat(shell.engine.liveRuns()).isZero();
  }

  @Test
  void theStopOfAnOvertakenLaunchDoesNotWaitForTheCommitWindow() {
    ShellHarness windowed =
        new ShellHarness(new InMemoryEventStore.Log(), Duration.ofHours(1)).started();
    String run = windowed.submit(spec(step("a"), step("b")));
    ScriptedRunner.Launch a = windowed.runner.launch(run, "a");
    ScriptedRunner.Launch b = windowed.runner.launch(run, "b");
    windowed.then(b::started);
    windowed.cancel(run);
    assertThat(windowed.runner.stops).containsExactly(b.marker);

    a.started();
    windowed.onePass();

    // The start waits for the window (b runs, so the commit is not due), the stop does not.
    assertThat(windowed.runner.stops).containsExactly(b.marker, a.marker);
    assertThat(windowed.history(run)).doesNotContainSequence(RUN_CANCEL_REQUESTED, STEP_STARTED);
    windowed.drain();
    assertThat(windowed.history(run)).endsWith(RUN_CANCEL_REQUESTED, STEP_STARTED);
  }

  @Test
  void aSpawnErrorAfterACancelIsRecordedAsTheFailureItIsWithNoRetry() {
    String run = shell.submit(spec(retried("a", 3, Duration.ofSeconds(1))));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.cancel(run);

    shell.then(() -> a.spawnFailed("no such program"));

    assertThat(shell.history(run))
        .containsExactly(RUN_SUBMITTED, RUN_CANCEL_REQUESTED, STEP_FAILED, RUN_CANCELLED);
    Event failed = shell.events(run).get(2);
    assertThat(failed.getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_SPAWN_ERROR);
    assertThat(shell.runner.launches).hasSize(1);
    assertThat(shell.engine.runningAttempts()).isZero();
    assertThat(shell.timers.waiting()).isEmpty();
  }

  @Test
  void aFailFastDuringALaunchLetsTheLaunchStartAndThenStopsIt() {
    String run = shell.submit(failFast(step("a"), step("b")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    ScriptedRunner.Launch b = shell.runner.launch(run, "b");
    shell.then(a::started);

    shell.then(() -> a.exited(1, 0));
    // b is launching: the fail-fast neither skips nor cancels it, and the run does not end.
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, STEP_STARTED, STEP_FAILED);

    shell.then(b::started);
    assertThat(shell.runner.stops).containsExactly(b.marker);
    shell.then(() -> b.exited(0, 15));

    assertThat(shell.history(run))
        .containsExactly(
            RUN_SUBMITTED, STEP_STARTED, STEP_FAILED, STEP_STARTED, STEP_CANCELLED, RUN_FAILED);
  }

  @Test
  void aStartThatNoStepWantsIsKilled() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    shell.then(() -> a.exited(0, 0));
    assertThat(shell.status(run)).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);

    // A second start report of the same attempt, for a run that is no longer live.
    shell.then(
        () ->
            shell.engine.enqueue(
                new Input.Fire(
                    run, new Trigger.AttemptStarted("a", 1, 1L << 41, 1L << 41, 1, a.marker, ""))));

    assertThat(shell.runner.kills).containsExactly(a.marker);
    assertThat(shell.history(run)).hasSize(4);
  }

  @Test
  void aLaunchTheRunnerRefusesIsTheAttemptsSpawnError() {
    shell.runner.refuseLaunches(new IllegalArgumentException("argv must not contain NUL"));

    String run = shell.submit(spec(step("a"), step("b", "a")));

    assertThat(shell.history(run))
        .containsExactly(RUN_SUBMITTED, STEP_FAILED, STEP_SKIPPED, RUN_FAILED);
    assertThat(shell.events(run).get(1).getStepFailed().getMessage())
        .isEqualTo("cannot launch: argv must not contain NUL");
    assertThat(shell.engine.runningAttempts()).isZero();
  }
}
