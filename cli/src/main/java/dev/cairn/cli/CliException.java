package dev.cairn.cli;

/** A failure already phrased for the user, with the exit code it ends the command with. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** Creates the exception; {@code message} is printed after {@code cairn: }. */
  public CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** The exit code the command ends with. */
  public int exitCode() {
    return exitCode;
  }
}
