package dev.cairn.server.engine;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSubmitted;

/** Builds the first state of a run from its RunSubmitted event. */
final class Starts {
  private Starts() {}

  static RunState submitted(Event event) {
    RunSubmitted submitted = event.getRunSubmitted();
    RunPlan plan = RunPlan.of(submitted.getSpec());
    StepState[] steps = new StepState[plan.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = StepState.pending(submitted.getSpec().getSteps(i));
    }
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
        0);
  }
}
