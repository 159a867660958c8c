package dev.cairn.server.runtime;

/** No run has this id. */
public final class RunNotFoundException extends RuntimeException {
  public RunNotFoundException(String runId) {
    super("run " + runId + " not found");
  }
}
