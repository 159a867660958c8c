package dev.cairn.server.store;

import java.time.Instant;

/**
 * The tombstone a removed run leaves: which run, when it was removed, why, and the highest global
 * sequence number its events held (numbers at or below it may be missing from the log for good).
 */
public record RemovedRun(String runId, Instant removedAt, Cause cause, long lastGlobalSeq) {

  /** What removed a run. */
  public enum Cause {
    /** The retention setting: the run had ended longer ago than the horizon. */
    RETENTION,
    /** An explicit delete (the DeleteRun call). */
    DELETE;

    /** The cause as a lower-case word for messages and error metadata. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
