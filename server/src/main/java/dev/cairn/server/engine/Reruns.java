package dev.cairn.server.engine;

import dev.cairn.v1.Attempt;
import dev.cairn.v1.CarriedStep;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepRun;
import dev.cairn.v1.StepStatus;
import dev.cairn.workflow.spec.InvalidSpecException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * Which steps of a finished run a rerun runs again, and the recorded results of the others, which
 * it carries over. Pure. With no step named, every step that did not succeed runs again; with steps
 * named, those steps run again, succeeded or not. Either way everything downstream of a step that
 * runs again runs again too, since its inputs may change.
 */
public final class Reruns {
  private Reruns() {}

  /**
   * What a rerun of {@code original} runs and keeps.
   *
   * @param rerun the steps that run again, in spec order
   * @param carried the steps that keep their results, in spec order
   */
  public record Plan(List<String> rerun, List<CarriedStep> carried) {}

  /**
   * Plans a rerun of a finished run.
   *
   * @throws InvalidSpecException naming a step the run does not have (reason UNKNOWN_STEP), or when
   *     no step is named and the run succeeded (NOTHING_TO_RERUN)
   * @throws IllegalStateException when the run has not finished
   */
  public static Plan plan(RunState original, List<String> steps) {
    if (!original.isTerminal()) {
      throw new IllegalStateException(
          "run " + original.runId() + " has not finished; only a finished run can be rerun");
    }
    RunPlan plan = original.plan();
    BitSet again = new BitSet(plan.size());
    if (steps.isEmpty()) {
      for (int position = 0; position < plan.size(); position++) {
        if (original.step(position).status() != StepStatus.STEP_STATUS_SUCCEEDED) {
          again.set(position);
        }
      }
      if (original.status() == RunStatus.RUN_STATUS_SUCCEEDED) {
        // Nothing of it failed: such a rerun would run nothing new (at most a step skipped by its
        // run_if, skipped again) and say it succeeded.
        throw new InvalidSpecException(
            "NOTHING_TO_RERUN",
            "steps",
            "run "
                + original.runId()
                + " succeeded, so nothing of it is to run again; name the steps to run again"
                + " (cairn rerun "
                + original.runId()
                + " --step ID)");
      }
    } else {
      for (String stepId : steps) {
        int position = plan.indexOf(stepId);
        if (position < 0) {
          throw new InvalidSpecException(
              "UNKNOWN_STEP",
              "steps",
              "steps: run " + original.runId() + " has no step '" + stepId + "'");
        }
        again.set(position);
      }
    }
    Deque<Integer> queue = new ArrayDeque<>();
    again.stream().forEach(queue::add);
    while (!queue.isEmpty()) {
      for (int next : plan.downstream(queue.poll())) {
        if (!again.get(next)) {
          again.set(next);
          queue.add(next);
        }
      }
    }
    List<String> rerun = new ArrayList<>();
    List<CarriedStep> carried = new ArrayList<>();
    for (int position = 0; position < plan.size(); position++) {
      StepState step = original.step(position);
      if (again.get(position)) {
        rerun.add(step.id());
      } else {
        carried.add(carry(original.runId(), step));
      }
    }
    return new Plan(rerun, carried);
  }

  private static CarriedStep carry(String runId, StepState step) {
    StepRun view = RunView.step(step).build();
    CarriedStep.Builder carried =
        CarriedStep.newBuilder()
            .setStepId(step.id())
            .setStatus(step.status())
            .putAllOutputs(step.outputs())
            .setSkipCauseStepId(step.skipCause())
            .setSkipReason(step.skipReason())
            // A result carried twice still names the run that produced it.
            .setFromRunId(step.carriedFrom().isEmpty() ? runId : step.carriedFrom());
    for (Attempt attempt : view.getAttemptsList()) {
      carried.addAttempts(attempt);
    }
    return carried.build();
  }
}
