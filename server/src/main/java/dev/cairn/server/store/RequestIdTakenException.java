package dev.cairn.server.store;

/**
 * An append was refused because a run it submits carries a request id another run already has:
 * another server sharing the store created that run first. Nothing was written; asked again, the
 * request finds the run the other server created.
 */
public final class RequestIdTakenException extends StoreConflictException {

  /** Creates a refusal naming the request id and the run that has it. */
  public RequestIdTakenException(String message) {
    super(message);
  }
}
