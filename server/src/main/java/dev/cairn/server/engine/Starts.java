package dev.cairn.server.engine;

import dev.cairn.v1.Attempt;
import dev.cairn.v1.CarriedStep;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSubmitted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the first state of a run from its RunSubmitted event: every step pending, but for the
 * steps a rerun carries over, which start out with the results recorded in the event.
 */
final class Starts {
  private Starts() {}

  static RunState submitted(Event event) {
    RunSubmitted submitted = event.getRunSubmitted();
    RunPlan plan = RunPlan.of(submitted.getSpec());
    StepState[] steps = new StepState[plan.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = StepState.pending(submitted.getSpec().getSteps(i));
    }
    for (CarriedStep carried : submitted.getCarriedStepsList()) {
      int position = plan.indexOf(carried.getStepId());
      if (position < 0) {
        throw new IllegalHistoryException(
            "run "
                + event.getRunId()
                + ": event 1 carries over step '"
                + carried.getStepId()
                + "', which the spec does not have");
      }
      steps[position] = carry(steps[position], carried);
    }
    RunInfo info =
        new RunInfo(
            submitted.getParamsMap(),
            submitted.getLabelsMap(),
            submitted.getRerunOf(),
            submitted.hasDeadline() ? Times.instant(submitted.getDeadline()) : null,
            submitted.getScheduleId(),
            submitted.hasNominalTime() ? Times.instant(submitted.getNominalTime()) : null);
    // Failures carried over count for the run's outcome (completeIfDone reads the steps), not as
    // failures of this run: a fail-fast rerun must not stop at once for an old failure.
    return new RunState(
        event.getRunId(),
        plan,
        submitted.getRequestId(),
        submitted.getPrincipal(),
        Times.instant(event.getTime()),
        null,
        RunStatus.RUN_STATUS_RUNNING,
        1,
        steps,
        0,
        0,
        info);
  }

  private static StepState carry(StepState pending, CarriedStep carried) {
    List<AttemptRecord> attempts = new ArrayList<>();
    for (Attempt attempt : carried.getAttemptsList()) {
      attempts.add(record(attempt));
    }
    return new StepState(
        pending.spec(),
        carried.getStatus(),
        attempts,
        null,
        carried.getSkipCauseStepId(),
        carried.getSkipReason(),
        carried.getOutputsMap(),
        carried.getFromRunId());
  }

  private static AttemptRecord record(Attempt attempt) {
    return new AttemptRecord(
        attempt.getNumber(),
        attempt.hasStartTime() ? Times.instant(attempt.getStartTime()) : null,
        attempt.getPid(),
        0,
        "",
        "",
        null,
        false,
        true,
        attempt.hasEndTime() ? Times.instant(attempt.getEndTime()) : null,
        attempt.getExitCode(),
        attempt.getSignal(),
        attempt.getFailureReason(),
        attempt.getMessage(),
        attempt.getOutputBytes(),
        attempt.hasDuration() ? Times.duration(attempt.getDuration()) : Duration.ZERO);
  }
}
