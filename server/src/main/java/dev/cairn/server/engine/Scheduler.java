package dev.cairn.server.engine;

import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which attempts may start now: steps whose dependencies all succeeded, pending or with a due
 * retry, in spec order, within the run's and the server's free slots. A step waiting for its
 * backoff holds no slot. Pure.
 */
public final class Scheduler {
  private Scheduler() {}

  /** An attempt to start. */
  public record Start(String stepId, int attempt) {}

  /**
   * @param globalFree slots left under the server-wide cap
   * @return at most {@code min(globalFree, run's free slots)} attempts
   */
  public static List<Start> startable(RunState state, Instant now, int globalFree) {
    return startable(state, now, globalFree, java.util.Set.of());
  }

  /**
   * Like {@link #startable(RunState, Instant, int)}, for a shell that starts processes
   * asynchronously: {@code launching} steps are being started (not yet recorded as running), so
   * they are skipped and hold a slot of the run.
   */
  public static List<Start> startable(
      RunState state, Instant now, int globalFree, java.util.Set<String> launching) {
    if (state.isTerminal() || state.halted()) {
      return List.of();
    }
    // An unsigned 32-bit field: a cap of 2^31 or more reads as negative, and no slot would ever be
    // free; any cap that large is no cap.
    long runCap = Integer.toUnsignedLong(state.plan().spec().getMaxParallel());
    int busy = state.runningCount() + launching.size();
    int free = runCap == 0 ? globalFree : (int) Math.min(globalFree, runCap - busy);
    List<Start> starts = new ArrayList<>();
    for (int i = 0; i < state.stepCount() && starts.size() < free; i++) {
      StepState step = state.step(i);
      // A run failing fast starts only the steps that ask to run after a failure (run_if).
      if (!launching.contains(step.id()) && !state.stops(step) && ready(state, i, step, now)) {
        starts.add(new Start(step.id(), step.attempt() + 1));
      }
    }
    return starts;
  }

  /** The earliest retry due time after {@code now} among waiting steps, or null. */
  public static Instant nextDue(RunState state) {
    Instant earliest = null;
    for (StepState step : state.steps()) {
      if (step.status() == StepStatus.STEP_STATUS_RETRY_WAIT
          && (earliest == null || step.nextAttemptTime().isBefore(earliest))) {
        earliest = step.nextAttemptTime();
      }
    }
    return earliest;
  }

  private static boolean ready(RunState state, int position, StepState step, Instant now) {
    if (step.status() == StepStatus.STEP_STATUS_RETRY_WAIT) {
      return !step.nextAttemptTime().isAfter(now);
    }
    if (step.status() != StepStatus.STEP_STATUS_PENDING) {
      return false;
    }
    return TriggerRules.judge(state, position) instanceof TriggerRules.Ready;
  }
}
