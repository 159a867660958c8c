package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_CANCELLED;
import static dev.cairn.v1.Event.PayloadCase.RUN_CANCEL_REQUESTED;
import static dev.cairn.v1.Event.PayloadCase.RUN_FAILED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUCCEEDED;
import static dev.cairn.v1.Event.PayloadCase.STEP_CANCELLED;
import static dev.cairn.v1.Event.PayloadCase.STEP_FAILED;
import static dev.cairn.v1.Event.PayloadCase.STEP_RETRY_SCHEDULED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SKIPPED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SUCCEEDED;
import static dev.cairn.v1.Event.PayloadCase.STEP_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeciderTest {
  private final RunFixture run = new RunFixture();

  @Test
  void submitRecordsTheSpecAndOnlyRootsAreReady() {
    run.submitted(spec(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c")));
    assertThat(run.decidedTypes()).containsExactly(RUN_SUBMITTED);
    assertThat(run.decided.get(0).getRunSeq()).isEqualTo(1);
    assertThat(Scheduler.startable(run.state, run.now, 10))
        .containsExactly(new Scheduler.Start("a", 1));
  }

  @Test
  void diamondRunsToSuccessAndTheTerminalEventIsLast() {
    run.submitted(spec(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c")));
    run.startReady(10);
    run.exited("a", 1, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED);
    assertThat(run.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("b", "c");
    run.exited("b", 1, 0);
    assertThat(Scheduler.startable(run.state, run.now, 10)).isEmpty();
    run.exited("c", 1, 0);
    run.startReady(10);
    run.exited("d", 1, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED, RUN_SUCCEEDED);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(run.state.lastSeq()).isEqualTo(run.history.size());
  }

  @Test
  void failedBranchSkipsItsDownstreamWhileTheOtherBranchRuns() {
    run.submitted(spec(step("a"), step("bad"), step("after-bad", "bad"), step("after-a", "a")));
    run.startReady(10);
    run.exited("bad", 1, 2);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_SKIPPED);
    assertThat(run.step("after-bad").skipCause()).isEqualTo("bad");
    assertThat(run.state.isTerminal()).isFalse();
    run.exited("a", 1, 0);
    assertThat(run.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("after-a");
    run.exited("after-a", 1, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED, RUN_FAILED);
    assertThat(run.decided.get(1).getRunFailed().getFailedStepIdsList()).containsExactly("bad");
  }

  @Test
  void failFastSkipsEveryPendingStepAndStopsRunningOnes() {
    WorkflowSpec spec =
        spec(step("a"), step("b"), step("c", "a")).toBuilder().setFailFast(true).build();
    run.submitted(spec);
    run.startReady(10);
    run.exited("a", 1, 1);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_SKIPPED);
    assertThat(run.state.stopping()).isTrue();
    assertThat(Scheduler.startable(run.state, run.now, 10)).isEmpty();
    run.when(new Trigger.AttemptExited("b", 1, 143, 15, 0, false, Duration.ofMillis(3)));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_FAILED);
  }

  @Test
  void retriesFollowTheBackoffAndAWaitingStepHoldsNoSlot() {
    StepSpec flaky =
        step("flaky").toBuilder()
            .setRetry(RunFixture.retry(3, Duration.ofMillis(200), 2.0, 0.1))
            .build();
    run.submitted(spec(flaky, step("other")).toBuilder().setMaxParallel(1).build());
    assertThat(run.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("flaky");
    run.exited("flaky", 1, 1);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_RETRY_SCHEDULED);
    Duration first = Times.duration(run.decided.get(1).getStepRetryScheduled().getBackoff());
    assertThat(first).isBetween(Duration.ofMillis(180), Duration.ofMillis(220));
    // With max_parallel 1, the other step runs while flaky waits for its backoff.
    assertThat(run.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("other");
    run.exited("other", 1, 0);
    assertThat(Scheduler.startable(run.state, run.now, 10)).isEmpty();
    run.advance(first);
    assertThat(run.startReady(10)).containsExactly(new Scheduler.Start("flaky", 2));
    run.exited("flaky", 2, 1);
    Duration second = Times.duration(run.decided.get(1).getStepRetryScheduled().getBackoff());
    assertThat(second).isBetween(Duration.ofMillis(360), Duration.ofMillis(440));
    run.advance(second);
    run.startReady(10);
    run.exited("flaky", 3, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED, RUN_SUCCEEDED);
    assertThat(run.step("flaky").attempts()).hasSize(3);
  }

  @Test
  void lastAttemptFailureIsFinal() {
    StepSpec flaky =
        step("x").toBuilder().setRetry(RunFixture.retry(2, Duration.ofSeconds(1), 2, 0)).build();
    run.submitted(spec(flaky));
    run.startReady(1);
    run.exited("x", 1, 1);
    run.advance(Duration.ofSeconds(1));
    run.startReady(1);
    run.exited("x", 2, 1);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, RUN_FAILED);
  }

  @Test
  void onlyListedExitCodesAreRetried() {
    StepSpec step =
        step("x").toBuilder()
            .setRetry(
                RunFixture.retry(3, Duration.ofSeconds(1), 2, 0).toBuilder()
                    .addRetryOnExitCodes(75))
            .build();
    run.submitted(spec(step));
    run.startReady(1);
    run.exited("x", 1, 75);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_RETRY_SCHEDULED);
    run.advance(Duration.ofSeconds(1));
    run.startReady(1);
    run.exited("x", 2, 1);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, RUN_FAILED);
  }

  @Test
  void timeoutMarksTheAttemptAndTheExitIsRecordedAsTimeout() {
    StepSpec slow =
        step("slow").toBuilder().setTimeout(Times.duration(Duration.ofSeconds(1))).build();
    run.submitted(spec(slow));
    run.startReady(1);
    Instant deadline = Times.instant(run.decided.get(0).getStepStarted().getDeadline());
    assertThat(deadline).isEqualTo(run.now.plusSeconds(1));
    run.advance(Duration.ofSeconds(1)).when(new Trigger.TimeoutDue("slow", 1));
    assertThat(run.decidedTypes()).containsExactly(STEP_TIMED_OUT);
    run.when(new Trigger.TimeoutDue("slow", 1));
    assertThat(run.decided).as("a second firing decides nothing").isEmpty();
    run.when(new Trigger.AttemptExited("slow", 1, 143, 15, 0, false, Duration.ofSeconds(1)));
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, RUN_FAILED);
    assertThat(run.decided.get(0).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
  }

  @Test
  void cancelStopsNewWorkAndEndsAfterRunningAttemptsExit() {
    run.submitted(spec(step("a"), step("b", "a"), step("c")));
    run.startReady(1);
    run.when(new Trigger.Cancel("enough", "test"));
    assertThat(run.decidedTypes())
        .containsExactly(RUN_CANCEL_REQUESTED, STEP_CANCELLED, STEP_CANCELLED);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_CANCELLING);
    assertThat(Scheduler.startable(run.state, run.now, 10)).isEmpty();
    run.when(new Trigger.Cancel("again", "test"));
    assertThat(run.decided).as("cancel is idempotent").isEmpty();
    run.when(new Trigger.AttemptExited("a", 1, 143, 15, 0, false, Duration.ofMillis(1)));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_CANCELLED);
    run.when(new Trigger.Cancel("late", "test"));
    assertThat(run.decided).isEmpty();
  }

  @Test
  void staleTriggersDecideNothing() {
    run.submitted(spec(step("a")));
    run.startReady(1);
    run.exited("a", 2, 0);
    assertThat(run.decided).isEmpty();
    run.when(new Trigger.AttemptStarted("a", 1, 1, 1, 1, "m", "/o"));
    assertThat(run.decided).as("already running").isEmpty();
  }

  @Test
  void lostAttemptIsRetriedByItsPolicy() {
    StepSpec step =
        step("a").toBuilder().setRetry(RunFixture.retry(2, Duration.ofMillis(10), 2, 0)).build();
    run.submitted(spec(step));
    run.startReady(1);
    run.when(new Trigger.AttemptLost("a", 1, "server crashed", 49));
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_RETRY_SCHEDULED);
    assertThat(run.decided.get(0).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_LOST);
    assertThat(run.decided.get(0).getStepFailed().getOutputBytes())
        .as("what the attempt wrote before it was lost")
        .isEqualTo(49);
    assertThat(run.step("a").attempts().get(0).outputBytes()).isEqualTo(49);
  }

  @Test
  void spawnErrorIsAFailure() {
    run.submitted(spec(step("a")));
    run.when(new Trigger.AttemptSpawnFailed("a", 1, "no such directory"));
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, RUN_FAILED);
    assertThat(run.step("a").status()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
    assertThat(run.step("a").attempts()).hasSize(1);
  }

  @Test
  void perRunCapAndGlobalCapBothLimitStarts() {
    StepSpec[] steps = new StepSpec[10];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = step("s" + i);
    }
    run.submitted(spec(steps).toBuilder().setMaxParallel(4).build());
    assertThat(run.startReady(10)).hasSize(4);
    assertThat(run.startReady(10)).isEmpty();
    run.exited("s0", 1, 0);
    assertThat(run.startReady(0)).as("no global slot").isEmpty();
    assertThat(run.startReady(10)).hasSize(1);
  }

  @Test
  void interruptedAttemptIsRetriedAtOnceWithoutUsingTheBudget() {
    run.submitted(spec(step("a")));
    run.startReady(1);
    run.when(new Trigger.AttemptInterrupted("a", 1, Duration.ofMillis(7), 49));
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_RETRY_SCHEDULED);
    assertThat(run.decided.get(0).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_INTERRUPTED);
    assertThat(run.decided.get(0).getStepFailed().getOutputBytes()).isEqualTo(49);
    assertThat(run.startReady(1)).containsExactly(new Scheduler.Start("a", 2));
    run.exited("a", 2, 1);
    assertThat(run.decidedTypes())
        .as("one attempt allowed, and the interrupted one did not count: this failure is final")
        .containsExactly(STEP_FAILED, RUN_FAILED);
  }

  @Test
  void aReplayedStateIsAValueThatLaterDecisionsDoNotChange() {
    run.submitted(spec(step("a"), step("b", "a")));
    run.startReady(1);
    RunState replayed = Evolver.replay(run.history);
    var before = RunView.of(replayed);
    Decider.decide(
        RunFixture.RUN,
        replayed,
        new Trigger.AttemptExited("a", 1, 0, 0, 0, false, Duration.ZERO),
        run.now);
    assertThat(RunView.of(replayed)).isEqualTo(before);
  }

  /** max_parallel is unsigned: 2^31 (negative as a Java int) is a cap too large to matter. */
  @Test
  void aCapOfTwoToTheThirtyFirstStartsEveryReadyStep() {
    run.submitted(
        spec(step("a"), step("b"), step("c")).toBuilder()
            .setMaxParallel(Integer.MIN_VALUE)
            .build());
    assertThat(Scheduler.startable(run.state, run.now, 10, java.util.Set.of())).hasSize(3);
  }

  @Test
  void launchingStepsAreSkippedAndHoldASlotOfTheRun() {
    run.submitted(spec(step("a"), step("b"), step("c")).toBuilder().setMaxParallel(2).build());
    assertThat(Scheduler.startable(run.state, run.now, 10, java.util.Set.of("a")))
        .containsExactly(new Scheduler.Start("b", 1));
    assertThat(Scheduler.startable(run.state, run.now, 10, java.util.Set.of("a", "b"))).isEmpty();
  }

  @Test
  void aCancelWaitsForALaunchInFlightAndStopsWhatItStarts() {
    run.submitted(spec(step("a"), step("b", "a")));
    run.whileLaunching(Set.of("a"), new Trigger.Cancel("enough", "test"));
    assertThat(run.decidedTypes())
        .as("the launching step is left to its launch; its downstream is cancelled")
        .containsExactly(RUN_CANCEL_REQUESTED, STEP_CANCELLED);
    assertThat(run.step("a").status()).isEqualTo(StepStatus.STEP_STATUS_PENDING);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_CANCELLING);
    run.started("a", 1);
    assertThat(run.decidedTypes())
        .as("the process exists, so it is recorded")
        .containsExactly(STEP_STARTED);
    assertThat(run.state.isTerminal()).isFalse();
    run.when(new Trigger.AttemptExited("a", 1, 143, 15, 0, false, Duration.ofMillis(1)));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_CANCELLED);
  }

  @Test
  void aSpawnErrorOfALaunchACancelOvertookIsRecordedWithoutARetry() {
    StepSpec a =
        step("a").toBuilder().setRetry(RunFixture.retry(3, Duration.ofMillis(10), 2, 0)).build();
    run.submitted(spec(a));
    run.whileLaunching(Set.of("a"), new Trigger.Cancel("enough", "test"));
    assertThat(run.decidedTypes()).containsExactly(RUN_CANCEL_REQUESTED);
    run.when(new Trigger.AttemptSpawnFailed("a", 1, "no such directory"));
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, RUN_CANCELLED);
    assertThat(run.decided.get(0).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_SPAWN_ERROR);
    assertThat(run.step("a").attempts()).hasSize(1);
  }

  @Test
  void failFastLeavesALaunchInFlightToBeStartedAndStopped() {
    failFastWhileBIsLaunching();
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED);
    assertThat(run.state.stopping()).isTrue();
    assertThat(run.state.isTerminal()).isFalse();
    run.started("b", 1);
    assertThat(run.decidedTypes()).containsExactly(STEP_STARTED);
    run.when(new Trigger.AttemptExited("b", 1, 143, 15, 0, false, Duration.ofMillis(1)));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_FAILED);
    assertThat(run.step("b").status()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    assertThat(run.decided.get(1).getRunFailed().getFailedStepIdsList()).containsExactly("a");
  }

  @Test
  void aRetryBeingLaunchedWhenTheCancelComesIsRecordedAndStopped() {
    StepSpec a =
        step("a").toBuilder().setRetry(RunFixture.retry(2, Duration.ofMillis(10), 2, 0)).build();
    run.submitted(spec(a));
    run.startReady(1);
    run.exited("a", 1, 1);
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_RETRY_SCHEDULED);
    run.advance(Duration.ofMillis(10));
    run.whileLaunching(Set.of("a"), new Trigger.Cancel("enough", "test"));
    assertThat(run.decidedTypes()).containsExactly(RUN_CANCEL_REQUESTED);
    run.started("a", 2);
    assertThat(run.decidedTypes()).containsExactly(STEP_STARTED);
    run.when(new Trigger.AttemptExited("a", 2, 143, 15, 0, false, Duration.ofMillis(1)));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_CANCELLED);
  }

  @Test
  void aStoppingRunWhoseLaunchWasLostIsSettledWhenTheEngineResumesIt() {
    // A crash after RunCancelRequested was durable and before the start was: after recovery the
    // step is pending, nothing launches it, and only the resume can end the run.
    run.submitted(spec(step("a")));
    run.whileLaunching(Set.of("a"), new Trigger.Cancel("enough", "test"));
    run.when(new Trigger.Resume());
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_CANCELLED);
    run.when(new Trigger.Resume());
    assertThat(run.decided).as("a finished run resumes to nothing").isEmpty();
  }

  @Test
  void aFailingFastRunWhoseLaunchWasLostSkipsTheStepWhenResumed() {
    failFastWhileBIsLaunching();
    run.when(new Trigger.Resume());
    assertThat(run.decidedTypes()).containsExactly(STEP_SKIPPED, RUN_FAILED);
    assertThat(run.step("b").skipCause()).isEqualTo("a");
  }

  @Test
  void resumingARunThatIsNotStoppingDecidesNothing() {
    run.submitted(spec(step("a")));
    run.when(new Trigger.Resume());
    assertThat(run.decided).isEmpty();
  }

  /** A fail-fast run of a and b: a fails for good while b's attempt is being launched. */
  private void failFastWhileBIsLaunching() {
    run.submitted(spec(step("a"), step("b")).toBuilder().setFailFast(true).build());
    run.started("a", 1);
    run.whileLaunching(
        Set.of("b"), new Trigger.AttemptExited("a", 1, 1, 0, 0, false, Duration.ofMillis(1)));
  }
}
