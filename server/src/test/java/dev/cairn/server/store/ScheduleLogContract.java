package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.ScheduleEvent;
import dev.cairn.v1.SchedulePaused;
import dev.cairn.v1.ScheduleResumed;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schedule log, as every adapter must keep it: streams numbered without gap, append-only,
 * durable across a reopen, and invisible to everything that reads runs.
 */
public abstract class ScheduleLogContract extends RunRemovalContract {

  private static ScheduleEvent paused(String id, long seq) {
    return ScheduleEvent.newBuilder()
        .setScheduleId(id)
        .setScheduleSeq(seq)
        .setTime(Timestamp.newBuilder().setSeconds(1_780_000_000L + seq))
        .setSchedulePaused(SchedulePaused.newBuilder().setPrincipal("p").setNote("n" + seq))
        .build();
  }

  private static ScheduleEvent resumed(String id, long seq) {
    return ScheduleEvent.newBuilder()
        .setScheduleId(id)
        .setScheduleSeq(seq)
        .setTime(Timestamp.newBuilder().setSeconds(1_780_000_000L + seq))
        .setScheduleResumed(ScheduleResumed.newBuilder().setPrincipal("p"))
        .build();
  }

  @Test
  void scheduleStreamsAreKeptInOrderAndSurviveAReopen() {
    ScheduleLog log = store.scheduleLog();
    log.appendSchedule(List.of(paused("nightly", 1), resumed("nightly", 2)));
    log.appendSchedule(List.of(paused("hourly", 1)));
    log.appendSchedule(List.of(paused("nightly", 3)));

    reopen();
    log = store.scheduleLog();
    assertThat(log.scheduleIds()).containsExactly("hourly", "nightly");
    assertThat(log.readSchedule("nightly", 0, ALL))
        .containsExactly(paused("nightly", 1), resumed("nightly", 2), paused("nightly", 3));
    assertThat(log.readSchedule("nightly", 1, 1)).containsExactly(resumed("nightly", 2));
    assertThat(log.readSchedule("none", 0, ALL)).isEmpty();
  }

  @Test
  void anAppendThatDoesNotContinueTheStreamIsAConflictAndWritesNothing() {
    ScheduleLog log = store.scheduleLog();
    log.appendSchedule(List.of(paused("nightly", 1)));

    // Another writer's number 2 came first: this one's 2 and 3 are refused whole.
    log.appendSchedule(List.of(resumed("nightly", 2)));
    assertThatThrownBy(
            () -> log.appendSchedule(List.of(paused("nightly", 2), resumed("nightly", 3))))
        .isInstanceOf(StoreConflictException.class);
    assertThatThrownBy(() -> log.appendSchedule(List.of(paused("other", 2))))
        .isInstanceOf(StoreConflictException.class);

    assertThat(log.readSchedule("nightly", 0, ALL)).hasSize(2);
    assertThat(log.scheduleIds()).containsExactly("nightly");
    // The store takes the next append: a conflict does not stop writes.
    log.appendSchedule(List.of(paused("nightly", 3)));
    assertThat(log.readSchedule("nightly", 0, ALL)).hasSize(3);
  }

  @Test
  void scheduleEventsAreNotRunsAndTakeNoGlobalSequence() {
    store.scheduleLog().appendSchedule(List.of(paused("nightly", 1)));
    store.append(List.of(events.submitted("run-a", "w")));

    assertThat(store.readAll(0, ALL)).extracting(Event::getGlobalSeq).containsExactly(1L);
    assertThat(store.lastGlobalSeq()).isEqualTo(1);
    assertThat(store.listRuns(RunQuery.firstPage(50)).runs()).hasSize(1);
    assertThat(store.unfinishedRunIds()).containsExactly("run-a");
  }

  @Test
  void scheduleEventsAreAppendOnly() throws SQLException {
    assumeTrue(hasRawAccess());
    store.scheduleLog().appendSchedule(List.of(paused("nightly", 1)));

    assertThatThrownBy(() -> executeRaw("UPDATE schedule_events SET type = 'x'"))
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> executeRaw("DELETE FROM schedule_events"))
        .hasMessageContaining("append-only");
    assertThat(store.scheduleLog().readSchedule("nightly", 0, ALL)).hasSize(1);
  }

  @Test
  void malformedScheduleEventsAreRefusedAsCallerBugs() {
    ScheduleLog log = store.scheduleLog();
    assertThatThrownBy(() -> log.appendSchedule(List.of(paused("", 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.appendSchedule(List.of(paused("a", 1), paused("b", 2))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> log.appendSchedule(List.of(paused("a", 1).toBuilder().clearPayload().build())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log.scheduleIds()).isEmpty();
  }
}
