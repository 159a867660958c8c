package dev.cairn.server.engine;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.SkipReason;
import dev.cairn.v1.StepCancelled;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepRetryScheduled;
import dev.cairn.v1.StepSkipped;
import dev.cairn.v1.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The failure half of {@link Decider}'s rules: an attempt lost or interrupted, what follows a
 * recorded failure (a retry when the policy allows, else the downstream steps are skipped), and a
 * stopped attempt of a stopping run.
 */
final class Failures {
  private Failures() {}

  static void onLost(Emitter out, Trigger.AttemptLost lost) {
    StepState step = out.state().step(lost.stepId());
    if (!Decider.isCurrent(step, lost.attempt())) {
      return;
    }
    if (out.state().stops(step)) {
      cancelAttempt(
          out,
          StepCancelled.newBuilder()
              .setStepId(lost.stepId())
              .setAttempt(lost.attempt())
              .setOutputBytes(lost.outputBytes()));
      return;
    }
    out.emit(
        e ->
            e.setStepFailed(
                StepFailed.newBuilder()
                    .setStepId(lost.stepId())
                    .setAttempt(lost.attempt())
                    .setReason(FailureReason.FAILURE_REASON_LOST)
                    .setMessage(lost.message())
                    .setOutputBytes(lost.outputBytes())));
    afterFailure(out, lost.stepId(), lost.attempt(), FailureReason.FAILURE_REASON_LOST, 0);
  }

  static void onInterrupted(Emitter out, Trigger.AttemptInterrupted interrupted) {
    StepState step = out.state().step(interrupted.stepId());
    if (!Decider.isCurrent(step, interrupted.attempt())) {
      return;
    }
    if (out.state().stops(step)) {
      cancelAttempt(
          out,
          StepCancelled.newBuilder()
              .setStepId(interrupted.stepId())
              .setAttempt(interrupted.attempt())
              .setDuration(Times.duration(interrupted.duration()))
              .setOutputBytes(interrupted.outputBytes()));
      return;
    }
    out.emit(
        e ->
            e.setStepFailed(
                StepFailed.newBuilder()
                    .setStepId(interrupted.stepId())
                    .setAttempt(interrupted.attempt())
                    .setReason(FailureReason.FAILURE_REASON_INTERRUPTED)
                    .setMessage("the server shut down and stopped the attempt")
                    .setDuration(Times.duration(interrupted.duration()))
                    .setOutputBytes(interrupted.outputBytes())));
    out.emit(
        e ->
            e.setStepRetryScheduled(
                StepRetryScheduled.newBuilder()
                    .setStepId(interrupted.stepId())
                    .setNextAttempt(interrupted.attempt() + 1)
                    .setDueTime(Times.timestamp(out.now()))
                    .setBackoff(Times.duration(Duration.ZERO))));
  }

  /** A stopped attempt of a cancelled or failing-fast run: the step is CANCELLED. */
  static void cancelAttempt(Emitter out, StepCancelled.Builder cancelled) {
    out.emit(e -> e.setStepCancelled(cancelled));
    skipDownstream(out, cancelled.getStepId());
  }

  /** After a recorded failure: schedule a retry when the policy allows, else settle the step. */
  static void afterFailure(
      Emitter out, String stepId, int attempt, FailureReason reason, int exitCode) {
    RunState state = out.state();
    int position = state.plan().indexOf(stepId);
    RetryPolicy policy = state.plan().retry(position);
    int counted = countedAttempts(state.step(position));
    if (counted < Backoff.maxAttempts(policy) && retryable(policy, reason, exitCode)) {
      Duration backoff = Backoff.delay(policy, state.runId(), stepId, counted);
      Instant due = out.now().plus(backoff);
      out.emit(
          e ->
              e.setStepRetryScheduled(
                  StepRetryScheduled.newBuilder()
                      .setStepId(stepId)
                      .setNextAttempt(attempt + 1)
                      .setDueTime(Times.timestamp(due))
                      .setBackoff(Times.duration(backoff))));
      return;
    }
    // A fail-fast failure makes the run stopping: settleIfStopping ends the other steps.
    skipDownstream(out, stepId);
  }

  /** Attempts that count against max_attempts: all but those a server shutdown interrupted. */
  static int countedAttempts(StepState step) {
    int counted = 0;
    for (AttemptRecord attempt : step.attempts()) {
      if (attempt.failureReason() != FailureReason.FAILURE_REASON_INTERRUPTED) {
        counted++;
      }
    }
    return counted;
  }

  static boolean retryable(RetryPolicy policy, FailureReason reason, int exitCode) {
    if (policy.getRetryOnExitCodesCount() == 0) {
      return true;
    }
    return reason == FailureReason.FAILURE_REASON_EXIT_CODE
        && policy.getRetryOnExitCodesList().contains(exitCode);
  }

  /** Every pending step downstream of {@code causeId}, transitively, becomes SKIPPED. */
  static void skipDownstream(Emitter out, String causeId) {
    RunPlan plan = out.state().plan();
    Deque<Integer> queue = new ArrayDeque<>();
    queue.add(plan.indexOf(causeId));
    while (!queue.isEmpty()) {
      for (int next : plan.downstream(queue.poll())) {
        StepState step = out.state().step(next);
        // A step that asks to run after a failure (run_if) waits for the rest of its upstream.
        if (step.status() == StepStatus.STEP_STATUS_PENDING
            && !TriggerRules.runsAfterFailure(step.spec())) {
          out.emit(
              e ->
                  e.setStepSkipped(
                      StepSkipped.newBuilder()
                          .setStepId(step.id())
                          .setCauseStepId(causeId)
                          .setReason(SkipReason.SKIP_REASON_UPSTREAM_NOT_SUCCEEDED)));
          queue.add(next);
        }
      }
    }
  }
}
