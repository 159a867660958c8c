package dev.cairn.server.runtime;

import org.jboss.logging.Logger;

/**
 * The inputs about run ownership on a node of a cluster, on the engine thread: a run taken over
 * ({@link Input.Adopt}) is recovered from its log as a start recovers every run, and runs lost
 * ({@link Input.Drop}) are dropped. A single server never sees either.
 */
final class OwnershipInputs {
  private static final Logger LOG = Logger.getLogger(OwnershipInputs.class);

  private final LiveRuns live;
  private final Recovery recovery;
  private final GroupCommit commit;
  private final Effects effects;
  private final DroppedRuns dropped;
  private final NodeFence fence;
  private final Inbox inbox;

  OwnershipInputs(
      LiveRuns live,
      Recovery recovery,
      GroupCommit commit,
      Effects effects,
      DroppedRuns dropped,
      NodeFence fence,
      Inbox inbox) {
    this.live = live;
    this.recovery = recovery;
    this.commit = commit;
    this.effects = effects;
    this.dropped = dropped;
    this.fence = fence;
    this.inbox = inbox;
  }

  void adopt(Input.Adopt adopt) {
    if (live.contains(adopt.runId())) {
      // Still this node's own live run: its lease ran out and this node took it back before any
      // other did, so what it holds in memory is still the whole truth.
      return;
    }
    if (fence.fenced()) {
      // Its lease is let go when the node joins again, and any node may take the run then.
      return;
    }
    int lost =
        recovery.recoverRun(
            adopt.runId(),
            adopt.log(),
            live.forRecovery(),
            commit::addRecovered,
            effects::schedule);
    if (lost >= 0) {
      LOG.infof(
          "took over run %s: %d attempts that were running are recorded as LOST",
          adopt.runId(), lost);
      // A stopping run settles its steps, and a ready step starts, in the next pass.
      inbox.add(new Input.Wakeup());
    }
    live.publishCount();
  }

  void drop(Input.Drop drop) {
    dropped.drop(drop.runIds(), drop.reason());
  }
}
