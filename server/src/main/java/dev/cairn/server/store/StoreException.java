package dev.cairn.server.store;

/** The event store could not do what was asked; nothing of a failed append was written. */
public class StoreException extends RuntimeException {

  /** Creates an exception with a message meant for an operator. */
  public StoreException(String message) {
    super(message);
  }

  /** Creates an exception with a message meant for an operator and the underlying cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
