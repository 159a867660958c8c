package dev.cairn.server.runtime;

import org.jboss.logging.Logger;

/**
 * An error of one run stays with that run: a bug, or a spec that validation should have refused,
 * sets the run aside and the engine goes on serving the others.
 */
final class RunIsolation {
  private static final Logger LOG = Logger.getLogger(RunIsolation.class);

  private final LiveRuns live;
  private final AttemptTable attempts;

  RunIsolation(LiveRuns live, AttemptTable attempts) {
    this.live = live;
    this.attempts = attempts;
  }

  /** An input could not be handled: only the run it concerns suffers. */
  void inputFailed(Input input, RuntimeException error) {
    if (input instanceof Input.Submit submit) {
      LOG.errorf(error, "a submit failed; no run was created: %s", error.toString());
      submit.fail(error);
    } else if (input instanceof Input.Rerun rerun) {
      LOG.errorf(error, "a rerun failed; no run was created: %s", error.toString());
      rerun.fail(error);
    } else if (input instanceof Input.Cancel cancel) {
      setAside(cancel.runId(), error);
      cancel.fail(error);
    } else if (input instanceof Input.Fire fire) {
      setAside(fire.runId(), error);
    } else if (input instanceof Input.RetryDue due) {
      setAside(due.runId(), error);
    } else {
      LOG.errorf(error, "the engine could not handle %s", input);
    }
  }

  /**
   * Takes a run the engine cannot decide out of the live set, so that it is not decided again on
   * every pass, and stops its processes. The log keeps what was recorded; the next start takes the
   * run up again from there (its attempts then count as LOST). Logged once.
   */
  void setAside(String runId, RuntimeException error) {
    if (!live.contains(runId)) {
      return;
    }
    LOG.errorf(
        error,
        "run %s is set aside after an internal error, and its processes are stopped; it stays as"
            + " recorded until the server starts again: %s",
        runId,
        error.toString());
    live.retire(runId);
    live.publishCount();
    for (AttemptKey key : attempts.ofRun(runId)) {
      attempts.stop(key);
    }
  }
}
