package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Starts every attempt that is ready, within the global and per-run caps, oldest run first. Only
 * the schedulable runs are asked, so a pass costs what changed, not the number of live runs.
 */
final class StartPass {
  private final EngineSettings settings;
  private final EngineClock clock;
  private final LiveRuns live;
  private final AttemptTable attempts;
  private final RunIsolation isolation;
  private final AttemptEvents events;
  private static final long COUNT_INTERVAL_NANOS = 1_000_000_000L;
  // Written by the engine thread, read by metrics.
  private volatile int waiting;
  private long lastCount;

  StartPass(
      EngineSettings settings,
      EngineClock clock,
      LiveRuns live,
      AttemptTable attempts,
      RunIsolation isolation,
      AttemptEvents events) {
    this.settings = settings;
    this.clock = clock;
    this.live = live;
    this.attempts = attempts;
    this.isolation = isolation;
    this.events = events;
  }

  void run() {
    Instant now = clock.now();
    Iterator<String> runs = live.schedulable();
    while (runs.hasNext()) {
      int free = settings.maxParallel() - attempts.running();
      if (free <= 0) {
        // The rest stay schedulable: an exit anywhere frees a slot and brings the next pass.
        countWaiting(now);
        return;
      }
      String runId = runs.next();
      RunState state = live.get(runId);
      List<Scheduler.Start> starts;
      try {
        starts = Scheduler.startable(state, now, free, attempts.launchingSteps(runId));
      } catch (RuntimeException e) {
        runs.remove();
        isolation.setAside(runId, e);
        continue;
      }
      if (starts.size() < free) {
        // Not held back by the global cap: nothing more of it can start until an input for it.
        runs.remove();
      }
      for (Scheduler.Start start : starts) {
        attempts.launch(state, start, events);
      }
    }
    waiting = 0;
    assert noneForgotten(now) : "a live run with a ready step is not schedulable";
  }

  /** Steps ready to start that wait for a slot, as last counted. */
  int waitingForSlot() {
    return waiting;
  }

  /**
   * Counts the steps held back by the cap, at most once per {@link #COUNT_INTERVAL_NANOS}: a
   * metric, which must not make every pass of a saturated engine walk every waiting run.
   */
  private void countWaiting(Instant now) {
    long at = System.nanoTime();
    if (at - lastCount < COUNT_INTERVAL_NANOS && waiting > 0) {
      return;
    }
    lastCount = at;
    int count = 0;
    Iterator<String> runs = live.schedulable();
    while (runs.hasNext()) {
      String runId = runs.next();
      try {
        count +=
            Scheduler.startable(
                    live.get(runId), now, Integer.MAX_VALUE, attempts.launchingSteps(runId))
                .size();
      } catch (RuntimeException e) {
        // Counted as none: the next start pass sets the run aside with its error.
      }
    }
    waiting = count;
  }

  // For tests (run with assertions): no run left the schedulable set with a step ready to start.
  // A retry that fell due since its run was last asked does not count: its RetryDue is on its way.
  private boolean noneForgotten(Instant now) {
    int free = settings.maxParallel() - attempts.running();
    if (free <= 0) {
      return true;
    }
    for (Map.Entry<String, RunState> entry : live.snapshot()) {
      if (live.isSchedulable(entry.getKey())) {
        continue;
      }
      RunState state = entry.getValue();
      for (Scheduler.Start start :
          Scheduler.startable(state, now, free, attempts.launchingSteps(entry.getKey()))) {
        if (state.step(start.stepId()).status() != StepStatus.STEP_STATUS_RETRY_WAIT) {
          return false;
        }
      }
    }
    return true;
  }
}
