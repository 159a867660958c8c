package dev.cairn.server.store;

/**
 * An append was rejected because it does not continue the log: a run_seq out of sequence, a run
 * that already exists, or a request_id already used. The store is unchanged and stays usable.
 */
public class StoreConflictException extends StoreException {

  /** Creates a conflict with a message naming the run and the sequence numbers involved. */
  public StoreConflictException(String message) {
    super(message);
  }
}
