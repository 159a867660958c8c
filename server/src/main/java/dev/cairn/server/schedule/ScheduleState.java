package dev.cairn.server.schedule;

import dev.cairn.v1.ScheduleDefinition;
import dev.cairn.v1.ScheduleFiringsNotRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A schedule as its events leave it ({@link ScheduleEvolver}); immutable.
 *
 * @param definition what it runs and when, as created
 * @param cron the parsed expression and zone
 * @param overlap what a firing does while a run of it is live
 * @param catchUpWindow how late a nominal time may still start its run
 * @param createdAt when it was created
 * @param paused whether it is paused
 * @param deleted whether it is deleted
 * @param lastSeq the schedule_seq of its last event
 * @param after the time from which nominal times are still to be handled: the last one handled, or
 *     the creation or resume time when later
 * @param lastNominal the last cron nominal time handled (run, buffered or not run), if any
 * @param buffered a nominal time waiting for the previous run (BUFFER_ONE), if any
 * @param recentRuns the runs its firings started, oldest first, the last {@link #KEPT} only
 * @param recentNotRun the ranges of times that started no run, oldest first, the last {@link #KEPT}
 *     only
 */
public record ScheduleState(
    ScheduleDefinition definition,
    CronSchedule cron,
    OverlapPolicy overlap,
    Duration catchUpWindow,
    Instant createdAt,
    boolean paused,
    boolean deleted,
    long lastSeq,
    Instant after,
    Optional<Instant> lastNominal,
    Optional<Instant> buffered,
    List<StartedRun> recentRuns,
    List<ScheduleFiringsNotRun> recentNotRun) {

  /** How many recent runs and not-run ranges a state keeps. */
  public static final int KEPT = 100;

  public ScheduleState {
    recentRuns = List.copyOf(recentRuns);
    recentNotRun = List.copyOf(recentNotRun);
  }

  /**
   * A run a firing started.
   *
   * @param nominal its nominal time (the trigger time for a manual one)
   * @param runId the run
   * @param manual whether a TriggerSchedule call started it
   */
  public record StartedRun(Instant nominal, String runId, boolean manual) {}

  public String id() {
    return definition.getScheduleId();
  }

  /** Whether it fires: created, neither paused nor deleted. */
  public boolean active() {
    return !paused && !deleted;
  }

  /** Whether a firing already recorded this run. */
  public boolean hasRun(String runId) {
    return recentRuns.stream().anyMatch(run -> run.runId().equals(runId));
  }

  /** The next nominal times still to come after {@code from}, at most count (none if inactive). */
  public List<Instant> upcoming(Instant from, int count) {
    if (!active()) {
      return List.of();
    }
    Instant start = from.isAfter(after) ? from : after;
    return FiringPlan.upcoming(cron, start, count);
  }
}
