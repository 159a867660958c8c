package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.engine.Times;
import dev.cairn.server.schedule.Firing;
import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.v1.NotRunReason;
import dev.cairn.v1.OverlapPolicy;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.ScheduleEvent;
import dev.cairn.v1.ScheduleFiringsNotRun;
import dev.cairn.workflow.spec.InvalidSpecException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedules over the engine shell, on a settable clock: firings, catch-up, overlap, commands. */
class SchedulesTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final String EVERY_SECOND = "* * * * * *";

  private final InMemoryEventStore.Log log = new InMemoryEventStore.Log();
  private final ScheduleShell shell = new ScheduleShell(log, T0);

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void eachDueTimeStartsOneRunThatNamesTheScheduleAndItsNominalTime() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofMinutes(1)));

    shell.tickAt(at(3));
    shell.tickAt(at(3));

    assertThat(shell.runTimes("s")).containsExactly(at(1), at(2), at(3));
    assertThat(shell.submitted())
        .allSatisfy(
            run ->
                assertThat(run.getRequestId())
                    .isEqualTo(Firing.requestId("s", Times.instant(run.getNominalTime()))));
    assertThat(shell.stream("s"))
        .extracting(ScheduleEvent::getPayloadCase)
        .containsExactly(
            ScheduleEvent.PayloadCase.SCHEDULE_CREATED,
            ScheduleEvent.PayloadCase.SCHEDULE_FIRED,
            ScheduleEvent.PayloadCase.SCHEDULE_FIRED,
            ScheduleEvent.PayloadCase.SCHEDULE_FIRED);
    var run = new RunQueries(shell.shell.store).get(shell.runOf(at(2)));
    assertThat(run.getScheduleId()).isEqualTo("s");
    assertThat(Times.instant(run.getNominalTime())).isEqualTo(at(2));
    assertThat(run.getPrincipal()).isEqualTo("schedule:s");
    var described = shell.schedules.describe("s", 2, 2);
    assertThat(described.getRecentRunsList()).hasSize(2);
    assertThat(Times.instant(described.getRecentRuns(0).getNominalTime())).isEqualTo(at(3));
    assertThat(described.getSchedule().getNextNominalTimesList())
        .extracting(Times::instant)
        .containsExactly(at(4), at(5));
  }

  @Test
  void afterDowntimeTimesInsideTheWindowRunOnceAndOlderOnesAreRecordedMissedAsOneRange() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofSeconds(5)));
    shell.tickAt(at(1));

    // The server stops; it starts again on the same log at 12 s.
    ScheduleShell restarted = new ScheduleShell(log, at(12));
    restarted.schedules.tick();

    // 2..5 fell due more than 5 s (and the second a firing may be late) before 12 s: missed.
    // 6..12 run, once each.
    assertThat(restarted.runTimes("s"))
        .containsExactly(at(1), at(6), at(7), at(8), at(9), at(10), at(11), at(12));
    ScheduleFiringsNotRun missed = restarted.schedules.describe("s", 0, 0).getRecentNotRun(0);
    assertThat(missed.getReason()).isEqualTo(NotRunReason.NOT_RUN_REASON_MISSED);
    assertThat(missed.getCount()).isEqualTo(4);
    assertThat(Times.instant(missed.getFirstNominalTime())).isEqualTo(at(2));
    assertThat(Times.instant(missed.getLastNominalTime())).isEqualTo(at(5));
  }

  @Test
  void withNoCatchUpWindowATimeFiredAMomentLateStillRunsAndOneLaterIsMissed() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ZERO));
    shell.tickAt(at(1).plusMillis(5));
    shell.tickAt(at(5).plusMillis(5));

    // 1 s and 5 s were fired within a moment; 2 s to 4 s were more than ON_TIME late.
    assertThat(shell.runTimes("s")).containsExactly(at(1), at(5));
    assertThat(shell.schedules.describe("s", 0, 0).getRecentNotRun(0).getCount()).isEqualTo(3);
  }

  @Test
  void aRunSubmittedBeforeACrashLostItsRecordIsRecordedOnceAndNeverStartedAgain() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofSeconds(5)));
    // The firings of 1 s and 2 s submitted their runs; the process died before recording them.
    var definition = shell.schedules.describe("s", 0, 0).getSchedule().getDefinition();
    for (int second : new int[] {1, 2}) {
      ScheduleFirings.await(
          new ScheduleShell.Drained(shell)
              .submit(definition, Firing.requestId("s", at(second)), at(second)));
    }

    // Back at 8 s: 1 s and 2 s are outside the window, but their runs exist.
    ScheduleShell restarted = new ScheduleShell(log, at(8));
    restarted.schedules.tick();

    assertThat(restarted.runTimes("s"))
        .containsExactly(at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8));
    var described = restarted.schedules.describe("s", 0, 100);
    assertThat(described.getRecentRunsList()).hasSize(8);
    assertThat(described.getRecentNotRunList()).isEmpty();
  }

  @Test
  void skipRecordsTheTimesThatCameWhileTheRunWasLive() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ofMinutes(1)));
    shell.tickAt(at(1));
    shell.tickAt(at(3));
    shell.finish(shell.runOf(at(1)));
    shell.tickAt(at(4));

    assertThat(shell.runTimes("s")).containsExactly(at(1), at(4));
    ScheduleFiringsNotRun skipped = shell.schedules.describe("s", 0, 0).getRecentNotRun(0);
    assertThat(skipped.getReason()).isEqualTo(NotRunReason.NOT_RUN_REASON_OVERLAP);
    assertThat(skipped.getCount()).isEqualTo(2);
  }

  @Test
  void bufferOneStartsTheFirstWaitingTimeWhenThePreviousRunEnds() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_BUFFER_ONE, Duration.ofMinutes(1)));
    shell.tickAt(at(1));
    shell.tickAt(at(3));
    assertThat(shell.schedules.describe("s", 0, 0).hasBufferedNominalTime()).isTrue();

    shell.finish(shell.runOf(at(1)));
    shell.schedules.tick();

    assertThat(shell.runTimes("s")).containsExactly(at(1), at(2));
    assertThat(shell.schedules.describe("s", 0, 0).hasBufferedNominalTime()).isFalse();
    assertThat(shell.schedules.describe("s", 0, 0).getRecentNotRun(0).getCount()).isEqualTo(1);
  }

  @Test
  void cancelPreviousCancelsTheLiveRunThroughTheEngineAndStartsTheNewOne() {
    shell.create(
        ScheduleShell.definition(
            "s",
            EVERY_SECOND,
            OverlapPolicy.OVERLAP_POLICY_CANCEL_PREVIOUS,
            Duration.ofMinutes(1)));
    shell.tickAt(at(1));
    String first = shell.runOf(at(1));
    shell.shell.then(shell.shell.runner.launch(first, "a")::started);

    shell.tickAt(at(2));

    assertThat(shell.runTimes("s")).containsExactly(at(1), at(2));
    assertThat(shell.shell.status(first)).isEqualTo(RunStatus.RUN_STATUS_CANCELLING);
    assertThat(shell.shell.status(shell.runOf(at(2)))).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(shell.stream("s").get(2).getScheduleFired().getCancelledRunId()).isEqualTo(first);
  }

  @Test
  void allowAllStartsBesideTheLiveRun() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofMinutes(1)));
    shell.tickAt(at(2));

    assertThat(shell.runTimes("s")).containsExactly(at(1), at(2));
    assertThat(shell.shell.status(shell.runOf(at(1)))).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
  }

  @Test
  void pauseResumeAndDeleteTakeEffectByTheNextFiringAndSurviveARestart() {
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofMinutes(1)));
    shell.tickAt(at(1));
    shell.schedules.pause("s", "maintenance", "test");

    ScheduleShell paused = new ScheduleShell(log, at(5));
    paused.schedules.tick();
    assertThat(paused.runTimes("s")).containsExactly(at(1));
    assertThat(paused.schedules.describe("s", 0, 0).getSchedule().getPaused()).isTrue();
    assertThat(paused.schedules.describe("s", 0, 0).getSchedule().getNextNominalTimesList())
        .isEmpty();

    // Resumed at 5 s: the times that fell while paused are not run; 6 s is.
    paused.schedules.resume("s", "test");
    ScheduleShell resumed = new ScheduleShell(log, at(6));
    resumed.schedules.tick();
    assertThat(resumed.runTimes("s")).containsExactly(at(1), at(6));

    resumed.schedules.delete("s", "test");
    ScheduleShell deleted = new ScheduleShell(log, at(9));
    deleted.schedules.tick();
    assertThat(deleted.runTimes("s")).containsExactly(at(1), at(6));
    assertThatThrownBy(() -> deleted.schedules.describe("s", 0, 0))
        .isInstanceOf(ScheduleNotFoundException.class);
    assertThat(deleted.schedules.list(0, "").getSchedulesList()).isEmpty();
  }

  @Test
  void aServerSharingTheStoreSeesSchedulesAndChangesTheOtherRecorded() {
    ScheduleShell other = new ScheduleShell(log, T0);
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofMinutes(1)));

    assertThat(other.schedules.list(0, "").getSchedulesList()).hasSize(1);
    other.schedules.pause("s", "", "other server");
    shell.tickAt(at(3));

    assertThat(shell.runTimes("s")).isEmpty();
    assertThat(shell.schedules.describe("s", 0, 0).getSchedule().getPaused()).isTrue();
  }

  @Test
  void onlyTheServerThatLeadsFiresAndAnotherTakesOverWhereItStopped() {
    ScheduleShell other = new ScheduleShell(log, T0);
    other.shell.store.leadFiring(false);
    shell.create(
        ScheduleShell.definition(
            "s", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofMinutes(1)));

    other.tickAt(at(2));
    assertThat(shell.runTimes("s")).isEmpty();
    shell.tickAt(at(2));
    assertThat(shell.runTimes("s")).containsExactly(at(1), at(2));

    // The leader is gone; the other server takes over from the last time it recorded.
    other.shell.store.leadFiring(true);
    other.tickAt(at(4));
    assertThat(other.runTimes("s")).containsExactly(at(1), at(2), at(3), at(4));
  }

  @Test
  void aStreamThisServerCannotFoldIsLeftOutAndTheOthersGoOn() {
    shell.create(
        ScheduleShell.definition(
            "good", EVERY_SECOND, OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofMinutes(1)));
    // A stream without its ScheduleCreated, as a newer server's unknown first event would read.
    shell
        .shell
        .store
        .scheduleLog()
        .appendSchedule(
            List.of(
                ScheduleEvent.newBuilder()
                    .setScheduleId("odd")
                    .setScheduleSeq(1)
                    .setTime(Times.timestamp(T0))
                    .setSchedulePaused(dev.cairn.v1.SchedulePaused.getDefaultInstance())
                    .build()));

    ScheduleShell restarted = new ScheduleShell(log, at(2));
    restarted.schedules.tick();

    assertThat(restarted.runTimes("good")).containsExactly(at(1), at(2));
    assertThatThrownBy(() -> restarted.schedules.describe("odd", 0, 0))
        .isInstanceOf(IllegalStateException.class);
    assertThat(restarted.schedules.list(0, "").getSchedulesList()).hasSize(1);
  }

  @Test
  void aTriggerStartsARunNowAndARepeatedRequestIdReturnsIt() {
    shell.create(
        ScheduleShell.definition(
            "s", "0 3 * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ofMinutes(1)));
    shell.schedules.pause("s", "", "test");

    Schedules.Triggered first = shell.schedules.trigger("s", "key");
    Schedules.Triggered again = shell.schedules.trigger("s", "key");

    assertThat(first.existing()).isFalse();
    assertThat(again.runId()).isEqualTo(first.runId());
    assertThat(again.existing()).isTrue();
    var runs = shell.schedules.describe("s", 0, 0).getRecentRunsList();
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).getManual()).isTrue();
  }

  @Test
  void aDailyTimeInTheSkippedHourOfSpringForwardDoesNotFireThatDay() {
    // Europe/Berlin jumps from 02:00 to 03:00 on 2026-03-29.
    ScheduleShell berlin =
        new ScheduleShell(new InMemoryEventStore.Log(), Instant.parse("2026-03-27T12:00:00Z"));
    berlin.create(
        ScheduleShell.definition(
                "s", "30 2 * * *", OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL, Duration.ofDays(1))
            .setTimeZone("Europe/Berlin"));

    for (int hour = 1; hour <= 4 * 24; hour++) {
      berlin.tickAt(Instant.parse("2026-03-27T12:00:00Z").plus(Duration.ofHours(hour)));
    }

    // 02:30 CET on the 28th, none on the 29th, 02:30 CEST on the 30th and 31st.
    assertThat(berlin.runTimes("s"))
        .containsExactly(
            Instant.parse("2026-03-28T01:30:00Z"),
            Instant.parse("2026-03-30T00:30:00Z"),
            Instant.parse("2026-03-31T00:30:00Z"));
    assertThat(berlin.stream("s")).noneMatch(ScheduleEvent::hasScheduleFiringsNotRun);
  }

  @Test
  void badInputIsRefusedWithOneClearMessageAndRecordsNothing() {
    assertThatThrownBy(
            () ->
                shell.create(
                    ScheduleShell.definition(
                        "s", "61 * * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ZERO)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("cron expression '61 * * * *'");
    assertThatThrownBy(
            () ->
                shell.create(
                    ScheduleShell.definition(
                            "s", "0 3 * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ZERO)
                        .setTimeZone("Mars/Olympus")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("unknown time zone 'Mars/Olympus'");
    assertThatThrownBy(
            () ->
                shell.create(
                    ScheduleShell.definition(
                            "s", "0 3 * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ZERO)
                        .setSpec(ShellSpecs.spec(ShellSpecs.step("a", "missing")))))
        .isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(
            () ->
                shell.create(
                    ScheduleShell.definition(
                        "bad id!", "0 3 * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ZERO)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("schedule id");
    assertThatThrownBy(
            () ->
                shell.create(
                    ScheduleShell.definition(
                        "s",
                        "0 3 * * *",
                        OverlapPolicy.OVERLAP_POLICY_SKIP,
                        Duration.ofSeconds(-1))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("catch-up window");
    assertThat(shell.shell.store.scheduleLog().scheduleIds()).isEmpty();

    shell.create(
        ScheduleShell.definition(
            "s", "0 3 * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ZERO));
    assertThatThrownBy(
            () ->
                shell.create(
                    ScheduleShell.definition(
                        "s", "0 4 * * *", OverlapPolicy.OVERLAP_POLICY_SKIP, Duration.ZERO)))
        .isInstanceOf(ScheduleExistsException.class);
    assertThatThrownBy(() -> shell.schedules.pause("none", "", "t"))
        .isInstanceOf(ScheduleNotFoundException.class);
    assertThat(List.of(shell.stream("s").size())).containsExactly(1);
  }
}
