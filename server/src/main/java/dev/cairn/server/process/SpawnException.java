package dev.cairn.server.process;

/** An attempt could not be started; the message is one line that says why. */
public final class SpawnException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line reason. */
  public SpawnException(String message) {
    super(message);
  }
}
