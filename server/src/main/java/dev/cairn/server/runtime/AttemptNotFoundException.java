package dev.cairn.server.runtime;

/**
 * The run has no such step, or the step no such attempt: NOT_FOUND, as a missing run is, naming the
 * field that points nowhere.
 */
public final class AttemptNotFoundException extends RuntimeException {
  private final String field;

  AttemptNotFoundException(String message, String field) {
    super(message);
    this.field = field;
  }

  /** {@code step_id} or {@code attempt}. */
  public String field() {
    return field;
  }
}
