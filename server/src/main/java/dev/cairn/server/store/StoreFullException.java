package dev.cairn.server.store;

/**
 * An append failed because the disk (or the database's size limit) is full. Nothing of it was
 * written and the store stays writable: the caller may try again when space returns.
 */
public final class StoreFullException extends StoreException {
  public StoreFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
