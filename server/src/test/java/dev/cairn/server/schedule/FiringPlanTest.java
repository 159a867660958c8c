package dev.cairn.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.schedule.Firing.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a schedule does with the nominal times that came, on a clock the test sets. */
class FiringPlanTest {
  private static final CronSchedule EVERY_SECOND =
      CronSchedule.parse("* * * * * *", ZoneId.of("UTC"));
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

  private static FiringPlan.State state(
      OverlapPolicy overlap, Duration window, boolean live, boolean buffered) {
    return new FiringPlan.State("nightly", EVERY_SECOND, overlap, window, T0, live, buffered);
  }

  private static List<Outcome> outcomes(List<Firing> firings) {
    return firings.stream().map(Firing::outcome).toList();
  }

  @Test
  void nothingIsDueBeforeTheFirstNominalTime() {
    assertThat(FiringPlan.due(state(OverlapPolicy.SKIP, Duration.ofMinutes(1), false, false), T0))
        .isEmpty();
  }

  @Test
  void afterDowntimeTheTimesInsideTheWindowRunOldestFirstAndOlderOnesAreMissed() {
    // Down from T0 to T0+10s with a 5 s window: 1..4 missed, 5..10 caught up.
    List<Firing> firings =
        FiringPlan.due(
            state(OverlapPolicy.ALLOW_ALL, Duration.ofSeconds(5), false, false),
            T0.plusSeconds(10));

    assertThat(firings).extracting(Firing::nominal).isSorted().hasSize(10);
    assertThat(outcomes(firings.subList(0, 4))).containsOnly(Outcome.MISSED);
    assertThat(outcomes(firings.subList(4, 10))).containsOnly(Outcome.START);
    assertThat(firings.get(4).nominal()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void theRequestIdIsTheScheduleAndTheNominalTimeSoARepeatedPlanMakesTheSameIds() {
    FiringPlan.State state = state(OverlapPolicy.ALLOW_ALL, Duration.ofMinutes(1), false, false);
    List<Firing> once = FiringPlan.due(state, T0.plusSeconds(3));
    List<Firing> again = FiringPlan.due(state, T0.plusSeconds(3));

    assertThat(once).isEqualTo(again);
    assertThat(once.get(0).requestId()).isEqualTo("schedule/nightly/2026-06-01T12:00:01Z");
    assertThat(once).extracting(Firing::requestId).doesNotHaveDuplicates();
  }

  @Test
  void skipStartsOneAndSkipsTheRestWhileItRuns() {
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.SKIP, Duration.ofMinutes(1), false, false),
                    T0.plusSeconds(3))))
        .containsExactly(Outcome.START, Outcome.SKIPPED_OVERLAP, Outcome.SKIPPED_OVERLAP);
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.SKIP, Duration.ofMinutes(1), true, false),
                    T0.plusSeconds(2))))
        .containsExactly(Outcome.SKIPPED_OVERLAP, Outcome.SKIPPED_OVERLAP);
  }

  @Test
  void bufferOneKeepsOneWaitingAndSkipsTheRest() {
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.BUFFER_ONE, Duration.ofMinutes(1), true, false),
                    T0.plusSeconds(3))))
        .containsExactly(Outcome.BUFFERED, Outcome.SKIPPED_OVERLAP, Outcome.SKIPPED_OVERLAP);
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.BUFFER_ONE, Duration.ofMinutes(1), true, true),
                    T0.plusSeconds(1))))
        .containsExactly(Outcome.SKIPPED_OVERLAP);
  }

  @Test
  void allowAllStartsEveryOne() {
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.ALLOW_ALL, Duration.ofMinutes(1), true, false),
                    T0.plusSeconds(3))))
        .containsExactly(Outcome.START, Outcome.START, Outcome.START);
  }

  @Test
  void cancelPreviousCancelsTheRunningOneBeforeEachStart() {
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.CANCEL_PREVIOUS, Duration.ofMinutes(1), false, false),
                    T0.plusSeconds(3))))
        .containsExactly(
            Outcome.START, Outcome.CANCEL_PREVIOUS_AND_START, Outcome.CANCEL_PREVIOUS_AND_START);
  }

  @Test
  void missedTimesDoNotCountAsRunsForTheOverlapPolicy() {
    assertThat(
            outcomes(
                FiringPlan.due(
                    state(OverlapPolicy.SKIP, Duration.ofSeconds(2), false, false),
                    T0.plusSeconds(4))))
        .containsExactly(
            Outcome.MISSED, Outcome.START, Outcome.SKIPPED_OVERLAP, Outcome.SKIPPED_OVERLAP);
  }

  @Test
  void upcomingListsTheNextTimes() {
    assertThat(FiringPlan.upcoming(EVERY_SECOND, T0, 3))
        .containsExactly(T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3));
  }
}
