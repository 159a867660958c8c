package dev.cairn.server.runtime;

import dev.cairn.server.store.RemovedRun;

/** The run existed and was removed, by retention or by a delete: only its tombstone is left. */
public final class RunRemovedException extends RuntimeException {
  private final transient RemovedRun removed;

  public RunRemovedException(RemovedRun removed) {
    super(
        "run "
            + removed.runId()
            + " was removed at "
            + removed.removedAt()
            + " by "
            + removed.cause().word()
            + "; its events and output are gone");
    this.removed = removed;
  }

  public RemovedRun removed() {
    return removed;
  }
}
