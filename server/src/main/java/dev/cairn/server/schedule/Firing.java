package dev.cairn.server.schedule;

import java.time.Instant;

/**
 * One nominal time of a schedule and what becomes of it.
 *
 * @param nominal the time the cron expression names
 * @param outcome what the schedule does at that time
 * @param requestId the request id its run is submitted with (see {@link #requestId}); set for every
 *     outcome, so a record of a skipped or missed firing names the same key a run would have had
 */
public record Firing(Instant nominal, Outcome outcome, String requestId) {

  /** What becomes of a nominal time. */
  public enum Outcome {
    /** A run is submitted now. */
    START,
    /** The previous run is cancelled first, then a run is submitted. */
    CANCEL_PREVIOUS_AND_START,
    /** It waits for the previous run to end (buffer one). */
    BUFFERED,
    /** No run: the previous one has not ended (skip, or buffer one with the buffer taken). */
    SKIPPED_OVERLAP,
    /** No run: it fell due longer ago than the catch-up window (downtime); recorded as missed. */
    MISSED
  }

  /**
   * The request id of the run a schedule's firing submits: the same for the same schedule and
   * nominal time however often it is computed, so a firing repeated after a crash or a restart
   * returns the run the first one made instead of starting another.
   */
  public static String requestId(String scheduleId, Instant nominal) {
    return "schedule/" + scheduleId + "/" + nominal;
  }
}
