package dev.cairn.workflow.spec;

/**
 * A workflow spec that cannot run. It carries a machine-readable reason (such as {@code CYCLE}) and
 * the field at fault, so the API can answer INVALID_ARGUMENT naming the problem.
 */
public final class InvalidSpecException extends RuntimeException {
  private final String reason;
  private final String field;

  public InvalidSpecException(String reason, String field, String message) {
    super(message);
    this.reason = reason;
    this.field = field;
  }

  /** A stable upper-case code, for example {@code UNKNOWN_DEPENDENCY}. */
  public String reason() {
    return reason;
  }

  /** The path of the offending field, for example {@code steps[2].depends_on}. */
  public String field() {
    return field;
  }
}
