package dev.cairn.server.engine;

import dev.cairn.v1.SkipReason;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state of one step of a run. Immutable.
 *
 * @param spec the step's definition
 * @param status current status
 * @param attempts attempts so far, oldest first
 * @param nextAttemptTime when the next attempt is due while in RETRY_WAIT, else null
 * @param skipCause for a skipped step, the upstream step that caused it
 * @param skipReason for a skipped step, why
 * @param outputs the outputs the step recorded when it succeeded
 * @param carriedFrom for a step a rerun carried over, the run whose result it keeps; else empty
 */
public record StepState(
    StepSpec spec,
    StepStatus status,
    List<AttemptRecord> attempts,
    Instant nextAttemptTime,
    String skipCause,
    SkipReason skipReason,
    Map<String, String> outputs,
    String carriedFrom) {

  public StepState {
    attempts = List.copyOf(attempts);
    outputs = Map.copyOf(outputs);
  }

  static StepState pending(StepSpec spec) {
    return new StepState(
        spec,
        StepStatus.STEP_STATUS_PENDING,
        List.of(),
        null,
        "",
        SkipReason.SKIP_REASON_UNSPECIFIED,
        Map.of(),
        "");
  }

  /** The step id. */
  public String id() {
    return spec.getId();
  }

  /** Number of the latest attempt, 0 before the first. */
  public int attempt() {
    return attempts.isEmpty() ? 0 : attempts.get(attempts.size() - 1).number();
  }

  /** The latest attempt, or null before the first. */
  public AttemptRecord lastAttempt() {
    return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
  }

  /** Whether no further event can change the step's status. */
  public boolean isTerminal() {
    return switch (status) {
      case STEP_STATUS_SUCCEEDED, STEP_STATUS_FAILED, STEP_STATUS_SKIPPED, STEP_STATUS_CANCELLED ->
          true;
      default -> false;
    };
  }

  public boolean isRunning() {
    return status == StepStatus.STEP_STATUS_RUNNING;
  }

  StepState withStatus(StepStatus next) {
    return new StepState(spec, next, attempts, null, skipCause, skipReason, outputs, carriedFrom);
  }

  StepState skipped(String cause, SkipReason reason) {
    return new StepState(
        spec, StepStatus.STEP_STATUS_SKIPPED, attempts, null, cause, reason, outputs, carriedFrom);
  }

  StepState retryAt(Instant due) {
    return new StepState(
        spec,
        StepStatus.STEP_STATUS_RETRY_WAIT,
        attempts,
        due,
        skipCause,
        skipReason,
        outputs,
        carriedFrom);
  }

  StepState withOutputs(Map<String, String> recorded) {
    return new StepState(
        spec, status, attempts, nextAttemptTime, skipCause, skipReason, recorded, carriedFrom);
  }

  StepState withAttempt(StepStatus next, AttemptRecord attempt) {
    List<AttemptRecord> updated = new ArrayList<>(attempts);
    if (!updated.isEmpty() && updated.get(updated.size() - 1).number() == attempt.number()) {
      updated.set(updated.size() - 1, attempt);
    } else {
      updated.add(attempt);
    }
    return new StepState(spec, next, updated, null, skipCause, skipReason, outputs, carriedFrom);
  }
}
