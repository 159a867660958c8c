package dev.cairn.server.runtime;

/** A commit failed: the request was not recorded and nothing of it was acknowledged. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(Throwable cause) {
    super(
        "the event store could not commit; the request was not recorded: " + cause.getMessage(),
        cause);
  }
}
