package dev.cairn.server.store;

/** A removal was refused because the run has not ended: only finished runs are ever removed. */
public final class RunStillLiveException extends StoreConflictException {

  public RunStillLiveException(String runId) {
    super("run " + runId + " has not finished; only a finished run can be removed");
  }
}
