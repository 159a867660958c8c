package dev.cairn.server.store;

/**
 * The database could not be reached (its server restarted, or the connection broke). The store
 * stays usable: it connects again on the next write. When the failure came in the middle of an
 * append, nobody knows yet whether its commit happened; the store then settles that on its next
 * append, which must begin with the same events (see {@link EventStore#append}), by reading back
 * whether they landed. The caller keeps what it decided and tries again later.
 */
public final class StoreUnreachableException extends StoreException {
  private final boolean outcomeUnknown;

  /**
   * @param outcomeUnknown whether an append was under way, so it may have committed
   */
  public StoreUnreachableException(String message, Throwable cause, boolean outcomeUnknown) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /** Whether the failed append may have committed. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
