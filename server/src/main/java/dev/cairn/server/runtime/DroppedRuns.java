package dev.cairn.server.runtime;

import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Forgets runs this node no longer owns, on the engine thread: their processes are killed (the
 * group, then a marker sweep, both before this returns), and the runs leave the live set. Nothing
 * is appended for them: their new owner records what it finds.
 */
final class DroppedRuns {
  private static final Logger LOG = Logger.getLogger(DroppedRuns.class);

  private final LiveRuns live;
  private final AttemptTable attempts;

  DroppedRuns(LiveRuns live, AttemptTable attempts) {
    this.live = live;
    this.attempts = attempts;
  }

  void drop(Collection<String> runIds, String reason) {
    int killed = 0;
    int dropped = 0;
    for (String runId : runIds) {
      for (AttemptKey key : attempts.ofRun(runId)) {
        attempts.kill(key);
        killed++;
      }
      if (live.contains(runId)) {
        live.retire(runId);
        dropped++;
      }
    }
    if (dropped > 0 || killed > 0) {
      LOG.warnf(
          "dropped %d runs this node no longer owns (%s); killed %d of their attempts",
          dropped, reason, killed);
    }
    live.publishCount();
  }

  /** Drops every live run: the node fenced itself. */
  void dropAll(String reason) {
    drop(List.copyOf(live.ids()), reason);
  }
}
