package dev.cairn.server.store;

import java.util.Set;

/**
 * An append was refused because this node does not hold the run's lease at the epoch it appended
 * with: another node took the run over (or it never held it). Nothing was written; the node must
 * stop working on the run, and never write to it again unless it takes it back.
 */
public final class StoreFencedException extends StoreConflictException {
  private final Set<String> runIds;

  /** Creates a refusal naming the run, the node and the epochs. */
  public StoreFencedException(String message) {
    this(message, Set.of());
  }

  /**
   * Creates a refusal of an append that continued {@code runIds}, none of which this node holds.
   */
  public StoreFencedException(String message, Set<String> runIds) {
    super(message);
    this.runIds = Set.copyOf(runIds);
  }

  /** The runs the append continued that this node does not hold; empty when not known. */
  public Set<String> runIds() {
    return runIds;
  }
}
