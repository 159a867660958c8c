package dev.cairn.server.store;

/**
 * The store's data is damaged: a page the database cannot read, a row whose checksum does not
 * match, or a runs projection that disagrees with the events. The store found it and refuses to go
 * on as if nothing happened; the server must stop taking work, and an operator checks the store
 * offline (what can be rebuilt from the events, the runs projection, is rebuilt there).
 */
public final class StoreCorruptException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception naming the damage, for an operator. */
  public StoreCorruptException(String message) {
    super(message);
  }

  /** Creates an exception naming the damage, with the error that revealed it. */
  public StoreCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
