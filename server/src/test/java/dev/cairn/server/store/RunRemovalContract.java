package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.Event;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The removal of whole finished runs (retention and delete), as every adapter must show it: the one
 * path by which events ever leave the log.
 */
public abstract class RunRemovalContract extends RunsProjectionContract {
  private static final Instant REMOVED_AT = Instant.parse("2026-03-01T10:15:30.123456Z");

  /** Three runs, interleaved: a (finished, seqs 1 3 5), b (live, 2 4), c (finished, 6 7). */
  private void threeRuns() {
    store.append(List.of(events.submitted("run-a", "w", "req-a")));
    store.append(List.of(events.submitted("run-b", "w")));
    store.append(List.of(events.stepStarted("run-a", "s")));
    store.append(List.of(events.stepStarted("run-b", "s")));
    store.append(List.of(events.succeeded("run-a")));
    store.append(List.of(events.submitted("run-c", "w"), events.failed("run-c")));
  }

  @Test
  void aFinishedRunIsRemovedWholeAndLeavesATombstone() {
    threeRuns();

    assertThat(store.removeRun("run-a", RemovedRun.Cause.DELETE, REMOVED_AT))
        .contains(new RemovedRun("run-a", REMOVED_AT, RemovedRun.Cause.DELETE, 5));

    assertThat(store.readRun("run-a", 0, ALL)).isEmpty();
    assertThat(store.findRun("run-a")).isEmpty();
    assertThat(store.runIdForRequest("req-a")).isEmpty();
    assertThat(store.findRemovedRun("run-a"))
        .contains(new RemovedRun("run-a", REMOVED_AT, RemovedRun.Cause.DELETE, 5));
    assertThat(store.findRemovedRun("run-b")).isEmpty();
    // The log skips the removed numbers; nothing else moved.
    assertThat(store.readAll(0, ALL))
        .extracting(Event::getGlobalSeq)
        .containsExactly(2L, 4L, 6L, 7L);
    assertThat(store.readAllEncoded(1, ALL))
        .extracting(EncodedEvent::globalSeq)
        .containsExactly(2L, 4L, 6L, 7L);
    assertThat(store.readRun("run-b", 0, ALL)).hasSize(2);
    assertThat(store.listRuns(RunQuery.firstPage(50)).runs())
        .extracting(run -> run.getRunId())
        .containsExactly("run-c", "run-b");
    // Removing it again answers with the same tombstone; an unknown run is simply absent.
    assertThat(store.removeRun("run-a", RemovedRun.Cause.RETENTION, Instant.now()))
        .contains(new RemovedRun("run-a", REMOVED_AT, RemovedRun.Cause.DELETE, 5));
    assertThat(store.removeRun("run-none", RemovedRun.Cause.DELETE, REMOVED_AT)).isEmpty();

    reopen();
    assertThat(store.readAll(0, ALL))
        .extracting(Event::getGlobalSeq)
        .containsExactly(2L, 4L, 6L, 7L);
    assertThat(store.findRemovedRun("run-a")).isPresent();
  }

  @Test
  void aRemovedRerunIsNoLongerListedAmongTheRerunsOfItsOriginal() {
    store.append(List.of(events.submitted("run-a", "w"), events.succeeded("run-a")));
    for (String rerun : List.of("run-b", "run-c")) {
      Event submitted = events.submitted(rerun, "w");
      store.append(
          List.of(
              submitted.toBuilder()
                  .setRunSubmitted(submitted.getRunSubmitted().toBuilder().setRerunOf("run-a"))
                  .build(),
              events.succeeded(rerun)));
    }

    store.removeRun("run-b", RemovedRun.Cause.DELETE, REMOVED_AT);

    assertThat(store.rerunsOf("run-a")).containsExactly("run-c");
    reopen();
    assertThat(store.rerunsOf("run-a")).containsExactly("run-c");
  }

  @Test
  void aLiveRunIsNeverRemoved() {
    threeRuns();

    assertThatThrownBy(() -> store.removeRun("run-b", RemovedRun.Cause.DELETE, REMOVED_AT))
        .isInstanceOf(RunStillLiveException.class)
        .hasMessageContaining("run-b");
    store.append(List.of(events.cancelRequested("run-b")));
    assertThatThrownBy(() -> store.removeRun("run-b", RemovedRun.Cause.RETENTION, REMOVED_AT))
        .isInstanceOf(RunStillLiveException.class);

    assertThat(store.readRun("run-b", 0, ALL)).hasSize(3);
    assertThat(store.findRemovedRun("run-b")).isEmpty();
    // The store stays usable after the refusal.
    store.append(List.of(events.cancelled("run-b")));
    assertThat(store.removeRun("run-b", RemovedRun.Cause.RETENTION, REMOVED_AT)).isPresent();
  }

  @Test
  void sequenceNumbersOfRemovedRunsAreNeverAssignedAgain() {
    threeRuns();

    store.removeRun("run-c", RemovedRun.Cause.DELETE, REMOVED_AT);
    assertThat(store.lastGlobalSeq()).isEqualTo(7);
    reopen();
    assertThat(store.lastGlobalSeq()).isEqualTo(7);
    assertThat(store.append(List.of(events.submitted("run-d", "w"))))
        .extracting(Event::getGlobalSeq)
        .containsExactly(8L);
    assertThat(store.readAll(5, ALL)).extracting(Event::getGlobalSeq).containsExactly(8L);
  }

  @Test
  void theHorizonSaysWhereAResumingWatcherCanStillRead() {
    assertThat(store.logHorizon()).isEqualTo(new LogHorizon(1, 0));
    threeRuns();
    assertThat(store.logHorizon()).isEqualTo(new LogHorizon(1, 0));

    store.removeRun("run-a", RemovedRun.Cause.RETENTION, REMOVED_AT);
    LogHorizon horizon = store.logHorizon();
    assertThat(horizon).isEqualTo(new LogHorizon(2, 5));
    // Resuming after 1 still reads every kept event from 2 on: nothing is missed for good.
    assertThat(horizon.refuses(1)).isFalse();
    assertThat(horizon.refuses(0)).isFalse();

    store.append(List.of(events.cancelled("run-b")));
    store.removeRun("run-b", RemovedRun.Cause.RETENTION, REMOVED_AT);
    horizon = store.logHorizon();
    assertThat(horizon).isEqualTo(new LogHorizon(6, 8));
    assertThat(horizon.earliestResume()).isEqualTo(5);
    assertThat(horizon.refuses(3)).isTrue();
    assertThat(horizon.refuses(5)).isFalse();
    assertThat(horizon.refuses(0)).isFalse();

    store.removeRun("run-c", RemovedRun.Cause.DELETE, REMOVED_AT);
    assertThat(store.logHorizon()).isEqualTo(new LogHorizon(9, 8));
  }

  @Test
  void tombstonesAreForgottenLaterButTheirNumbersStayUsed() {
    threeRuns();
    store.removeRun("run-a", RemovedRun.Cause.RETENTION, REMOVED_AT);
    store.removeRun("run-c", RemovedRun.Cause.DELETE, REMOVED_AT.plusSeconds(60));

    assertThat(store.forgetRemovedRuns(REMOVED_AT.plusSeconds(1), 10)).isEqualTo(1);
    assertThat(store.findRemovedRun("run-a")).isEmpty();
    assertThat(store.findRemovedRun("run-c")).isPresent();
    assertThat(store.forgetRemovedRuns(REMOVED_AT.plusSeconds(3600), 10)).isEqualTo(1);
    assertThat(store.findRemovedRun("run-c")).isEmpty();

    reopen();
    // The newest run (7) was removed and its tombstone forgotten: 7 is still never reused, and the
    // gaps stay known as removals.
    assertThat(store.lastGlobalSeq()).isEqualTo(7);
    assertThat(store.logHorizon()).isEqualTo(new LogHorizon(2, 7));
    assertThat(store.readAll(0, ALL)).extracting(Event::getGlobalSeq).containsExactly(2L, 4L);
    assertThat(store.append(List.of(events.submitted("run-d", "w"))))
        .extracting(Event::getGlobalSeq)
        .containsExactly(8L);
    assertThat(store.readAll(0, ALL)).extracting(Event::getGlobalSeq).containsExactly(2L, 4L, 8L);
  }

  @Test
  void finishedRunsAreFoundByWhenTheyEnded() {
    threeRuns();
    Instant afterAll = Instant.ofEpochSecond(2_000_000_000L);

    assertThat(store.runsEndedBefore(afterAll, 10)).containsExactly("run-a", "run-c");
    assertThat(store.runsEndedBefore(afterAll, 1)).containsExactly("run-a");
    assertThat(store.runsEndedBefore(Instant.ofEpochSecond(1_000_000_000L), 10)).isEmpty();
  }

  @Test
  void outsideTheRemovalPathEventsStayAppendOnly() throws SQLException {
    assumeTrue(hasRawAccess(), "the store keeps nothing that plain SQL reaches");
    threeRuns();
    store.removeRun("run-a", RemovedRun.Cause.DELETE, REMOVED_AT);

    // Neither a finished run's events nor a live one's can be deleted or changed by plain SQL.
    for (String tamper :
        List.of(
            "DELETE FROM events WHERE run_id = 'run-c'",
            "DELETE FROM events WHERE run_id = 'run-b'",
            "UPDATE events SET type = 'x' WHERE run_id = 'run-c'")) {
      assertThatThrownBy(() -> executeRaw(tamper))
          .as(tamper)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only");
    }
    assertThat(store.readAll(0, ALL))
        .extracting(Event::getGlobalSeq)
        .containsExactly(2L, 4L, 6L, 7L);
  }
}
