package dev.cairn.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides, purely, what a schedule does with the nominal times that have come since it last looked:
 * which start runs, which are skipped or buffered for an overlapping run, and which are recorded as
 * missed because they fell due longer ago than the catch-up window. It reads no clock: the caller
 * passes now.
 *
 * <p>Times come oldest first. A nominal time is due when it is at or before now; it is caught up
 * when it lies within the catch-up window before now ({@code now - window <= nominal}), else it is
 * missed. After downtime, the caught-up times run oldest first under the overlap policy as if each
 * had come on time: with a previous run still live, SKIP skips them all, BUFFER_ONE buffers the
 * first and skips the rest, ALLOW_ALL starts them all, and CANCEL_PREVIOUS starts each, cancelling
 * the one before (so only the newest is left running).
 */
public final class FiringPlan {
  /** At most this many nominal times are looked at in one plan; the rest wait for the next. */
  public static final int MAX_FIRINGS = 1000;

  private FiringPlan() {}

  /**
   * The schedule's state as the plan needs it.
   *
   * @param scheduleId the schedule's id, part of every firing's request id
   * @param cron the expression and zone
   * @param overlap what to do while a run is live
   * @param catchUpWindow how late a nominal time may still start its run
   * @param after the last nominal time already handled (or the schedule's creation time)
   * @param previousRunLive whether the run of an earlier firing has not ended
   * @param bufferTaken whether a firing already waits for it (buffer one)
   */
  public record State(
      String scheduleId,
      CronSchedule cron,
      OverlapPolicy overlap,
      Duration catchUpWindow,
      Instant after,
      boolean previousRunLive,
      boolean bufferTaken) {}

  /** The firings due at {@code now}, oldest first; empty when none is. */
  public static List<Firing> due(State state, Instant now) {
    List<Firing> firings = new ArrayList<>();
    Instant horizon = now.minus(state.catchUpWindow());
    boolean live = state.previousRunLive();
    boolean buffered = state.bufferTaken();
    Optional<Instant> next = state.cron().next(state.after());
    while (next.isPresent() && !next.get().isAfter(now) && firings.size() < MAX_FIRINGS) {
      Instant nominal = next.get();
      String requestId = Firing.requestId(state.scheduleId(), nominal);
      Firing.Outcome outcome;
      if (nominal.isBefore(horizon)) {
        outcome = Firing.Outcome.MISSED;
      } else if (!live) {
        outcome = Firing.Outcome.START;
        live = true;
      } else {
        outcome =
            switch (state.overlap()) {
              case SKIP -> Firing.Outcome.SKIPPED_OVERLAP;
              case ALLOW_ALL -> Firing.Outcome.START;
              case CANCEL_PREVIOUS -> Firing.Outcome.CANCEL_PREVIOUS_AND_START;
              case BUFFER_ONE ->
                  buffered ? Firing.Outcome.SKIPPED_OVERLAP : Firing.Outcome.BUFFERED;
            };
        if (outcome == Firing.Outcome.BUFFERED) {
          buffered = true;
        }
      }
      firings.add(new Firing(nominal, outcome, requestId));
      next = state.cron().next(nominal);
    }
    return firings;
  }

  /** The next nominal times after {@code after}, at most count, for describing a schedule. */
  public static List<Instant> upcoming(CronSchedule cron, Instant after, int count) {
    List<Instant> times = new ArrayList<>();
    Optional<Instant> next = cron.next(after);
    while (next.isPresent() && times.size() < count) {
      times.add(next.get());
      next = cron.next(next.get());
    }
    return times;
  }
}
