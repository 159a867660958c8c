package dev.cairn.server.store;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;

/** What every store requires of an event it is asked to append, whatever its database. */
public final class AppendRules {
  /** The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
  private static final long MIN_SECONDS = -62_135_596_800L;

  private static final long MAX_SECONDS = 253_402_300_799L;
  private static final int MAX_NANOS = 999_999_999;

  private AppendRules() {}

  /** Rejects an event the store could not file: these are caller bugs, not conflicts. */
  public static void requireWellFormed(Event event) {
    if (event.getRunId().isEmpty()) {
      throw new IllegalArgumentException("an event to append has no run_id");
    }
    if (event.getPayloadCase() == PayloadCase.PAYLOAD_NOT_SET) {
      throw new IllegalArgumentException("an event of run " + event.getRunId() + " has no payload");
    }
    if (!event.hasTime()) {
      throw new IllegalArgumentException("an event of run " + event.getRunId() + " has no time");
    }
    // Checked here rather than failing mid-transaction, where any error stops further appends.
    Timestamp time = event.getTime();
    if (time.getSeconds() < MIN_SECONDS
        || time.getSeconds() > MAX_SECONDS
        || time.getNanos() < 0
        || time.getNanos() > MAX_NANOS) {
      throw new IllegalArgumentException(
          "an event of run " + event.getRunId() + " has an invalid time " + time);
    }
  }

  /**
   * Rejects an event that does not continue its run: the next run_seq, RunSubmitted first and only
   * first.
   *
   * @param lastRunSeq the run's last stored (or already accepted) run_seq, 0 for a new run
   * @throws StoreConflictException when it does not
   */
  public static void requireNextInRun(Event event, long lastRunSeq) {
    long expected = lastRunSeq + 1;
    String runId = event.getRunId();
    if (event.getRunSeq() != expected) {
      throw new StoreConflictException(
          "run "
              + runId
              + ": a "
              + event.getPayloadCase()
              + " event has run_seq "
              + event.getRunSeq()
              + " but the next run_seq of the run is "
              + expected);
    }
    boolean submitted = event.getPayloadCase() == PayloadCase.RUN_SUBMITTED;
    if (expected == 1 && !submitted) {
      throw new StoreConflictException(
          "run "
              + runId
              + " does not exist: its first event must be RUN_SUBMITTED, not "
              + event.getPayloadCase());
    }
    if (expected > 1 && submitted) {
      throw new StoreConflictException("run " + runId + " already exists");
    }
  }
}
