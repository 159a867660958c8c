package dev.cairn.server.runtime;

import dev.cairn.v1.Event;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The engine's runs as a node of a cluster handles them ({@link ClusterNode}): which runs it works
 * on, a run taken over, runs lost, and the fence the node raises when it cannot renew its leases.
 * Every method may be called from any thread; the engine thread does the work on the runs.
 */
public final class NodeRuns {
  private final Inbox inbox;
  private final NodeFence fence;
  private final AttemptRunner runner;
  private final LiveRuns live;

  NodeRuns(Inbox inbox, NodeFence fence, AttemptRunner runner, LiveRuns live) {
    this.inbox = inbox;
    this.fence = fence;
    this.runner = runner;
    this.live = live;
  }

  /** The runs this engine works on now; any thread may read them. */
  public Set<String> liveRunIds() {
    return live.ids();
  }

  /**
   * A node took over a run (its lease, at a higher epoch) and then read its log: the engine
   * recovers it as a start does, unless it still works on the run itself.
   */
  public void adopt(String runId, List<Event> log) {
    inbox.add(new Input.Adopt(runId, log));
  }

  /** These runs are no longer this node's: their processes are killed and they are forgotten. */
  public void drop(Set<String> runIds, String reason) {
    inbox.add(new Input.Drop(runIds, reason));
  }

  /**
   * The node could not renew its leases in time: refuses new launches and submits, stops every
   * process of every run (SIGTERM, the stop grace, SIGKILL) and waits until they are gone, on the
   * calling thread, never waiting for the engine thread; the engine thread then forgets every run
   * before it decides anything else.
   *
   * @return whether every process was gone within {@code timeout}
   */
  public boolean fence(Duration timeout) {
    fence.raise();
    inbox.add(new Input.Wakeup());
    return runner.suspendAndStopAll(timeout);
  }

  /** Whether the engine thread forgot its runs after the last {@link #fence}. */
  public boolean fenceSettled() {
    return fence.settled();
  }

  /** The node joined again: launches and submits are taken again. */
  public void unfence() {
    runner.resume();
    fence.lower();
  }

  /** Whether the node is fenced now. */
  public boolean fenced() {
    return fence.fenced();
  }
}
