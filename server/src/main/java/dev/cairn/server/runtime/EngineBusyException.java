package dev.cairn.server.runtime;

/** The engine did not make a command durable in time; the caller may try again. */
public final class EngineBusyException extends RuntimeException {
  public EngineBusyException(String message) {
    super(message);
  }
}
