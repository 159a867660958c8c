package dev.cairn.server.runtime;

/**
 * A global watcher asked to resume at a point whose following events were removed (see {@code
 * LogHorizon}): it would silently miss them, so it is told where it can resume instead.
 */
public final class EventsRemovedException extends RuntimeException {
  private final long earliestAfterSeq;

  public EventsRemovedException(long afterSeq, long earliestAfterSeq) {
    super(
        "events after global_seq "
            + afterSeq
            + " were removed by retention or delete; the earliest after_seq to resume from is "
            + earliestAfterSeq);
    this.earliestAfterSeq = earliestAfterSeq;
  }

  /** The smallest after_seq a watcher can resume from without missing a kept event. */
  public long earliestAfterSeq() {
    return earliestAfterSeq;
  }
}
