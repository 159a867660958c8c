package dev.cairn.server.engine;

import dev.cairn.v1.RunIf;
import dev.cairn.v1.SkipReason;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;

/**
 * When a pending step may run, given how its upstream steps ended ({@code run_if}): all succeeded
 * (the default), all done (cleanup), or any failed (alerts). Pure.
 *
 * <p>A step whose rule can no longer be met is skipped: {@code all_succeeded} as soon as one
 * upstream step ended without success, {@code any_failed} once every upstream step ended and none
 * failed. An upstream step counts as failed for {@code any_failed} when it failed, or was skipped
 * because something before it did not succeed.
 */
final class TriggerRules {
  private TriggerRules() {}

  /** What a pending step's upstream steps allow. */
  sealed interface Verdict {}

  /** Some upstream step has not finished yet. */
  record Wait() implements Verdict {}

  /** The step may start. */
  record Ready() implements Verdict {}

  /** The step will never run: it is skipped with this cause and reason. */
  record Skip(String causeStepId, SkipReason reason) implements Verdict {}

  private static final Verdict WAIT = new Wait();
  private static final Verdict READY = new Ready();

  static RunIf rule(StepSpec step) {
    RunIf rule = step.getRunIf();
    return rule == RunIf.RUN_IF_UNSPECIFIED || rule == RunIf.UNRECOGNIZED
        ? RunIf.RUN_IF_ALL_SUCCEEDED
        : rule;
  }

  /** Whether the step asks to run after a failure upstream, so that a fail-fast spares it. */
  static boolean runsAfterFailure(StepSpec step) {
    return rule(step) != RunIf.RUN_IF_ALL_SUCCEEDED;
  }

  /** The verdict for the step at {@code position}, which must be pending. */
  static Verdict judge(RunState state, int position) {
    int[] upstream = state.plan().upstream(position);
    RunIf rule = rule(state.step(position).spec());
    boolean allDone = true;
    String failed = null;
    for (int index : upstream) {
      StepState up = state.step(index);
      if (rule == RunIf.RUN_IF_ALL_SUCCEEDED) {
        if (up.isTerminal() && up.status() != StepStatus.STEP_STATUS_SUCCEEDED) {
          return new Skip(up.id(), SkipReason.SKIP_REASON_UPSTREAM_NOT_SUCCEEDED);
        }
      }
      if (!up.isTerminal()) {
        allDone = false;
      } else if (failed == null && countsAsFailed(up)) {
        failed = up.id();
      }
    }
    if (!allDone) {
      return WAIT;
    }
    if (rule == RunIf.RUN_IF_ANY_FAILED && failed == null) {
      return new Skip("", SkipReason.SKIP_REASON_NO_UPSTREAM_FAILED);
    }
    return READY;
  }

  private static boolean countsAsFailed(StepState step) {
    return step.status() == StepStatus.STEP_STATUS_FAILED
        || (step.status() == StepStatus.STEP_STATUS_SKIPPED
            && step.skipReason() != SkipReason.SKIP_REASON_NO_UPSTREAM_FAILED);
  }
}
