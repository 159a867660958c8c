package dev.cairn.server.runtime;

import dev.cairn.server.engine.Effect;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.StepState;
import dev.cairn.server.engine.Times;
import dev.cairn.server.engine.Trigger;
import dev.cairn.v1.Event;
import java.time.Instant;

/**
 * Performs what decisions authorize: what a committed event asks for (a deadline's timer, a retry's
 * timer, the stop of a timed-out attempt, the retirement of a finished run, the stop of every
 * attempt of a stopping run), and the effects a decision carries on a start.
 */
final class Effects {
  private final LiveRuns live;
  private final AttemptTable attempts;
  private final Timers timers;
  private final Inbox inbox;

  Effects(LiveRuns live, AttemptTable attempts, Timers timers, Inbox inbox) {
    this.live = live;
    this.attempts = attempts;
    this.timers = timers;
    this.inbox = inbox;
  }

  /** What one committed event asks for. */
  void ofCommitted(Event event) {
    String runId = event.getRunId();
    switch (event.getPayloadCase()) {
      case STEP_STARTED -> {
        var started = event.getStepStarted();
        if (started.hasDeadline()) {
          Trigger trigger = new Trigger.TimeoutDue(started.getStepId(), started.getAttempt());
          schedule(Times.instant(started.getDeadline()), new Input.Fire(runId, trigger));
        }
      }
      case RUN_SUBMITTED -> {
        // The run's deadline is in its first event, so recovery arms the same timer again.
        if (event.getRunSubmitted().hasDeadline()) {
          schedule(
              Times.instant(event.getRunSubmitted().getDeadline()),
              new Input.Fire(runId, new Trigger.RunTimeoutDue()));
        }
      }
      case STEP_RETRY_SCHEDULED ->
          schedule(
              Times.instant(event.getStepRetryScheduled().getDueTime()), new Input.RetryDue(runId));
      case STEP_TIMED_OUT -> {
        var timedOut = event.getStepTimedOut();
        attempts.stop(new AttemptKey(runId, timedOut.getStepId(), timedOut.getAttempt()));
      }
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> live.retire(runId);
      default -> {}
    }
  }

  /** A cancel or a fail-fast failure stops every running attempt of the run; once per run. */
  void stopAllIfStopping(String runId) {
    RunState state = live.get(runId);
    if (state != null && state.stopping()) {
      for (StepState step : state.steps()) {
        // A fail-fast spares the steps that ask to run after a failure (run_if).
        if (step.isRunning() && state.stops(step)) {
          attempts.stop(new AttemptKey(runId, step.id(), step.attempt()));
        }
      }
    }
  }

  /** The effects a decision carries, performed at once: they concern processes, not the log. */
  void ofDecision(String runId, Iterable<Effect> effects) {
    for (Effect effect : effects) {
      if (effect instanceof Effect.KillUnwantedStart kill) {
        attempts.kill(new AttemptKey(runId, kill.stepId(), kill.attempt()));
      } else if (effect instanceof Effect.StopStartedAttempt stop) {
        // Should the start never become durable, recovery's sweep finds the marker.
        attempts.stop(new AttemptKey(runId, stop.stepId(), stop.attempt()));
      }
    }
  }

  /** Queues the input for the engine thread at {@code when}. */
  void schedule(Instant when, Input input) {
    timers.schedule(when, () -> inbox.enqueue(input));
  }
}
