package dev.cairn.server.engine;

/**
 * An event that the transition tables do not allow in the state it would apply to: a corrupt,
 * reordered or hand-edited log, or a decision the core should never have made. A fold that meets
 * one fails rather than guessing.
 */
public final class IllegalHistoryException extends IllegalStateException {
  public IllegalHistoryException(String message) {
    super(message);
  }
}
