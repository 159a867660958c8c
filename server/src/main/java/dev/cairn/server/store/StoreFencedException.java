package dev.cairn.server.store;

/**
 * An append was refused because this node does not hold the run's lease at the epoch it appended
 * with: another node took the run over (or it never held it). Nothing was written; the node must
 * stop working on the run, and never write to it again unless it takes it back.
 */
public final class StoreFencedException extends StoreConflictException {

  /** Creates a refusal naming the run, the node and the epochs. */
  public StoreFencedException(String message) {
    super(message);
  }
}
