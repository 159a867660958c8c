package dev.cairn.server.runtime;

/** A rerun names a run that has not finished yet. */
public final class RunNotFinishedException extends RuntimeException {
  public RunNotFinishedException(String runId) {
    super("run " + runId + " has not finished; only a finished run can be rerun");
  }
}
