package dev.cairn.server.engine;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepCancelled;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.StepSucceeded;
import java.time.Instant;

/**
 * The only way a run's state changes: {@code evolve(state, event) -> state}. Pure, so the same
 * function serves live updates, recovery by replay, and every query.
 */
public final class Evolver {
  private Evolver() {}

  /** Folds a run's events, in order, from nothing; returns null for an empty list. */
  public static RunState replay(Iterable<Event> events) {
    RunState state = null;
    for (Event event : events) {
      // The intermediate states of a fold are seen by nobody, so they update one private step
      // array in place; only the final state is handed out.
      state = state == null ? evolve(null, event).scratchCopy() : evolve(state, event);
    }
    return state == null ? null : state.sealed();
  }

  /**
   * Applies one event. The first event of a run must be RunSubmitted (with {@code state} null);
   * every later one must carry the next per-run sequence number.
   *
   * @throws IllegalHistoryException when the event does not fit the state ({@link Transitions}): a
   *     corrupt or reordered log
   */
  public static RunState evolve(RunState state, Event event) {
    if (state == null) {
      if (!event.hasRunSubmitted() || event.getRunSeq() != 1) {
        throw new IllegalHistoryException(
            "run "
                + event.getRunId()
                + ": event "
                + event.getRunSeq()
                + " ("
                + event.getPayloadCase()
                + ") does not apply: a run starts with RUN_SUBMITTED at seq 1");
      }
      return Starts.submitted(event);
    }
    if (event.getRunSeq() != state.lastSeq() + 1) {
      throw new IllegalHistoryException(
          "run "
              + state.runId()
              + ": expected seq "
              + (state.lastSeq() + 1)
              + ", got "
              + event.getRunSeq());
    }
    return apply(state, event).withLastSeq(event.getRunSeq());
  }

  private static RunState apply(RunState state, Event event) {
    if (event.getPayloadCase() != Event.PayloadCase.RUN_SUBMITTED) {
      Transitions.check(state, event);
    }
    Instant time = Times.instant(event.getTime());
    return switch (event.getPayloadCase()) {
      case STEP_STARTED -> started(state, event.getStepStarted(), time);
      case STEP_SUCCEEDED -> succeeded(state, event.getStepSucceeded(), time);
      case STEP_FAILED -> failed(state, event.getStepFailed(), time);
      case STEP_RETRY_SCHEDULED -> {
        var retry = event.getStepRetryScheduled();
        int position = position(state, retry.getStepId());
        yield state.withStep(
            position, state.step(position).retryAt(Times.instant(retry.getDueTime())));
      }
      case STEP_SKIPPED -> {
        var skip = event.getStepSkipped();
        int position = position(state, skip.getStepId());
        yield state.withStep(
            position, state.step(position).skipped(skip.getCauseStepId(), skip.getReason()));
      }
      case STEP_CANCELLED -> cancelled(state, event.getStepCancelled(), time);
      case STEP_TIMED_OUT -> {
        int position = position(state, event.getStepTimedOut().getStepId());
        StepState step = state.step(position);
        yield state.withStep(
            position, step.withAttempt(step.status(), step.lastAttempt().withTimedOut()));
      }
      case RUN_CANCEL_REQUESTED -> state.withStatus(RunStatus.RUN_STATUS_CANCELLING, null);
      case RUN_TIMED_OUT -> state.withTimedOut();
      case RUN_SUCCEEDED -> state.withStatus(RunStatus.RUN_STATUS_SUCCEEDED, time);
      case RUN_FAILED -> state.withStatus(RunStatus.RUN_STATUS_FAILED, time);
      case RUN_CANCELLED -> state.withStatus(RunStatus.RUN_STATUS_CANCELLED, time);
      case RUN_SUBMITTED, PAYLOAD_NOT_SET ->
          throw new IllegalHistoryException(
              "run " + state.runId() + ": unexpected " + event.getPayloadCase());
    };
  }

  private static int position(RunState state, String stepId) {
    int position = state.plan().indexOf(stepId);
    if (position < 0) {
      throw new IllegalStateException("run " + state.runId() + ": unknown step " + stepId);
    }
    return position;
  }

  private static RunState started(RunState state, StepStarted started, Instant time) {
    int position = position(state, started.getStepId());
    AttemptRecord attempt =
        AttemptRecord.started(
            started.getAttempt(),
            time,
            started.getPid(),
            started.getProcessStartTicks(),
            started.getMarker(),
            started.getOutputPath(),
            started.hasDeadline() ? Times.instant(started.getDeadline()) : null);
    return state.withStep(
        position, state.step(position).withAttempt(StepStatus.STEP_STATUS_RUNNING, attempt));
  }

  private static RunState succeeded(RunState state, StepSucceeded done, Instant time) {
    int position = position(state, done.getStepId());
    StepState step = state.step(position);
    AttemptRecord attempt =
        step.lastAttempt()
            .finish(
                time,
                0,
                0,
                FailureReason.FAILURE_REASON_UNSPECIFIED,
                "",
                done.getOutputBytes(),
                Times.duration(done.getDuration()));
    return state.withStep(
        position,
        step.withAttempt(StepStatus.STEP_STATUS_SUCCEEDED, attempt)
            .withOutputs(done.getOutputsMap()));
  }

  private static RunState failed(RunState state, StepFailed failure, Instant time) {
    int position = position(state, failure.getStepId());
    StepState step = state.step(position);
    AttemptRecord current = step.lastAttempt();
    if (current == null || current.number() != failure.getAttempt()) {
      // A spawn error: the attempt never had a process, so no StepStarted preceded it.
      current = AttemptRecord.neverStarted(failure.getAttempt());
    }
    AttemptRecord attempt =
        current.finish(
            time,
            failure.getExitCode(),
            failure.getSignal(),
            failure.getReason(),
            failure.getMessage(),
            failure.getOutputBytes(),
            Times.duration(failure.getDuration()));
    return state.withStep(position, step.withAttempt(StepStatus.STEP_STATUS_FAILED, attempt));
  }

  private static RunState cancelled(RunState state, StepCancelled cancel, Instant time) {
    int position = position(state, cancel.getStepId());
    StepState step = state.step(position);
    if (step.isRunning()) {
      AttemptRecord current = step.lastAttempt();
      Instant start = current.startTime();
      // The exit as the engine saw it, when it did (an attempt stopped by recovery or a shutdown
      // has none), so that status shows what the log says; the cancel's reason is the run's.
      java.time.Duration took =
          cancel.hasDuration()
              ? Times.duration(cancel.getDuration())
              : start == null ? java.time.Duration.ZERO : java.time.Duration.between(start, time);
      AttemptRecord attempt =
          current.finish(
              time,
              cancel.getExitCode(),
              cancel.getSignal(),
              FailureReason.FAILURE_REASON_UNSPECIFIED,
              "cancelled",
              Math.max(current.outputBytes(), cancel.getOutputBytes()),
              took);
      return state.withStep(position, step.withAttempt(StepStatus.STEP_STATUS_CANCELLED, attempt));
    }
    return state.withStep(position, step.withStatus(StepStatus.STEP_STATUS_CANCELLED));
  }
}
