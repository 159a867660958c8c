package dev.cairn.server.schedule;

/** What a firing does while the schedule's previous run has not ended. */
public enum OverlapPolicy {
  /** The firing is recorded as skipped; no run starts. The default. */
  SKIP,
  /** At most one firing waits and starts when the previous run ends; later ones are skipped. */
  BUFFER_ONE,
  /** The run starts beside the previous one. */
  ALLOW_ALL,
  /** The previous run is cancelled, and the new one starts (it does not wait for the cancel). */
  CANCEL_PREVIOUS
}
