package dev.cairn.server.schedule;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.NotRunReason;
import dev.cairn.v1.ScheduleCreated;
import dev.cairn.v1.ScheduleEvent;
import dev.cairn.v1.ScheduleFired;
import dev.cairn.v1.ScheduleFiringsNotRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Folds a schedule's events into its state: the only way a schedule's state changes, used live, on
 * replay after a restart, and for answering GetSchedule. Pure: reads no clock, does no I/O.
 *
 * <p>A ScheduleCreated starts the state afresh (a schedule created again after a delete keeps its
 * stream and its numbering). Times are handled in order, so "after" only moves forward: a resume
 * moves it to the resume time, so that the times that fell while paused are not run.
 */
public final class ScheduleEvolver {
  private ScheduleEvolver() {}

  /**
   * The state after the event; {@code state} is null before the first ScheduleCreated.
   *
   * @throws IllegalStateException if the event does not continue the stream or comes before any
   *     ScheduleCreated
   */
  public static ScheduleState evolve(ScheduleState state, ScheduleEvent event) {
    long expected = state == null ? 1 : state.lastSeq() + 1;
    if (event.getScheduleSeq() != expected) {
      throw new IllegalStateException(
          "schedule "
              + event.getScheduleId()
              + " has event "
              + event.getScheduleSeq()
              + " where "
              + expected
              + " was expected");
    }
    Instant time = instant(event.getTime());
    if (event.hasScheduleCreated()) {
      return created(event.getScheduleCreated(), time, event.getScheduleSeq());
    }
    if (state == null) {
      throw new IllegalStateException(
          "schedule " + event.getScheduleId() + " has events before its ScheduleCreated");
    }
    long seq = event.getScheduleSeq();
    return switch (event.getPayloadCase()) {
      case SCHEDULE_PAUSED -> with(state, seq, true, state.deleted(), state.after());
      case SCHEDULE_RESUMED -> with(state, seq, false, state.deleted(), later(state.after(), time));
      case SCHEDULE_DELETED -> with(state, seq, state.paused(), true, state.after());
      case SCHEDULE_FIRED -> fired(state, seq, event.getScheduleFired());
      case SCHEDULE_FIRINGS_NOT_RUN -> notRun(state, seq, event.getScheduleFiringsNotRun());
      case SCHEDULE_FIRING_BUFFERED -> {
        Instant nominal = instant(event.getScheduleFiringBuffered().getNominalTime());
        yield new ScheduleState(
            state.definition(),
            state.cron(),
            state.overlap(),
            state.catchUpWindow(),
            state.createdAt(),
            state.paused(),
            state.deleted(),
            seq,
            later(state.after(), nominal),
            Optional.of(nominal),
            Optional.of(nominal),
            state.recentRuns(),
            state.recentNotRun());
      }
      default ->
          throw new IllegalStateException(
              "schedule " + event.getScheduleId() + " has an event of unknown type");
    };
  }

  /** Folds a whole stream, oldest first; null when it is empty. */
  public static ScheduleState replay(List<ScheduleEvent> events) {
    ScheduleState state = null;
    for (ScheduleEvent event : events) {
      state = evolve(state, event);
    }
    return state;
  }

  private static ScheduleState created(ScheduleCreated created, Instant time, long seq) {
    ScheduleDefinitions.Parsed parsed = ScheduleDefinitions.parse(created.getDefinition());
    return new ScheduleState(
        created.getDefinition(),
        parsed.cron(),
        parsed.overlap(),
        parsed.catchUpWindow(),
        time,
        created.getPaused(),
        false,
        seq,
        time,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        List.of());
  }

  private static ScheduleState fired(ScheduleState state, long seq, ScheduleFired fired) {
    Instant nominal = instant(fired.getNominalTime());
    List<ScheduleState.StartedRun> runs = kept(state.recentRuns());
    runs.add(new ScheduleState.StartedRun(nominal, fired.getRunId(), fired.getManual()));
    boolean cron = !fired.getManual();
    Optional<Instant> buffered =
        state.buffered().filter(waiting -> !(cron && waiting.equals(nominal)));
    return new ScheduleState(
        state.definition(),
        state.cron(),
        state.overlap(),
        state.catchUpWindow(),
        state.createdAt(),
        state.paused(),
        state.deleted(),
        seq,
        cron ? later(state.after(), nominal) : state.after(),
        cron ? Optional.of(latest(state.lastNominal(), nominal)) : state.lastNominal(),
        buffered,
        runs,
        state.recentNotRun());
  }

  private static ScheduleState notRun(ScheduleState state, long seq, ScheduleFiringsNotRun range) {
    Instant first = instant(range.getFirstNominalTime());
    Instant last = instant(range.getLastNominalTime());
    List<ScheduleFiringsNotRun> ranges = kept(state.recentNotRun());
    ranges.add(range);
    // A buffered time whose submit failed is handled: it does not wait any longer.
    Optional<Instant> buffered =
        range.getReason() == NotRunReason.NOT_RUN_REASON_SUBMIT_FAILED
            ? state.buffered().filter(waiting -> waiting.isBefore(first) || waiting.isAfter(last))
            : state.buffered();
    return new ScheduleState(
        state.definition(),
        state.cron(),
        state.overlap(),
        state.catchUpWindow(),
        state.createdAt(),
        state.paused(),
        state.deleted(),
        seq,
        later(state.after(), last),
        Optional.of(latest(state.lastNominal(), last)),
        buffered,
        state.recentRuns(),
        ranges);
  }

  private static ScheduleState with(
      ScheduleState state, long seq, boolean paused, boolean deleted, Instant after) {
    return new ScheduleState(
        state.definition(),
        state.cron(),
        state.overlap(),
        state.catchUpWindow(),
        state.createdAt(),
        paused,
        deleted,
        seq,
        after,
        state.lastNominal(),
        state.buffered(),
        state.recentRuns(),
        state.recentNotRun());
  }

  /** A copy of the list with room for one more within {@link ScheduleState#KEPT}. */
  private static <T> List<T> kept(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    while (copy.size() >= ScheduleState.KEPT) {
      copy.remove(0);
    }
    return copy;
  }

  private static Instant later(Instant a, Instant b) {
    return b.isAfter(a) ? b : a;
  }

  private static Instant latest(Optional<Instant> current, Instant candidate) {
    return current.filter(value -> value.isAfter(candidate)).orElse(candidate);
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
