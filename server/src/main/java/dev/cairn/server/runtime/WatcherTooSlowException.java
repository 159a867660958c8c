package dev.cairn.server.runtime;

/**
 * A followed WatchEvents stream was ended because its client took nothing while more than {@link
 * EventBroadcaster#DEFAULT_STALL_BYTES} of events for it were published. The client loses nothing:
 * it resumes from the last event it received.
 */
public final class WatcherTooSlowException extends RuntimeException {
  private final long lastSeq;

  public WatcherTooSlowException(long lastSeq, long stallBytes) {
    super(
        "this watcher fell more than "
            + (stallBytes >> 20)
            + " MiB of events behind and was ended; resume with after_seq="
            + lastSeq);
    this.lastSeq = lastSeq;
  }

  /** The sequence number of the last event sent: the after_seq to resume with. */
  public long lastSeq() {
    return lastSeq;
  }
}
