package dev.cairn.cli.workflow;

/**
 * A workflow file that cannot be read or does not have the expected shape. The message is one line
 * that names the file, the line and the key path, e.g. {@code build.yaml:7: steps[1].timout:
 * unknown key}.
 */
public final class WorkflowFileException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its complete, user-facing message. */
  public WorkflowFileException(String message) {
    super(message);
  }
}
