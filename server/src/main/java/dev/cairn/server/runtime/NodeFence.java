package dev.cairn.server.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether this node has fenced itself: it could not renew its run leases in time, so it stopped
 * every process of its runs (on the lease keeper's thread, never waiting for the engine thread,
 * which may itself wait for the database) and must forget those runs. The engine thread drops them
 * at the start of its next pass, before it decides any input, so that no exit of a process it
 * stopped is recorded and nothing new starts for them. Until the node joins again it takes no
 * submit. A single server never fences.
 */
final class NodeFence {
  private final AtomicInteger raised = new AtomicInteger();
  private volatile int dropped;
  private volatile boolean fenced;

  /** Raises the fence: called before the processes are stopped. */
  void raise() {
    fenced = true;
    raised.incrementAndGet();
  }

  /** Whether this node is fenced now: it takes no submit and no run. */
  boolean fenced() {
    return fenced;
  }

  /** On the engine thread: whether a fence was raised that its runs were not yet dropped for. */
  boolean dropDue() {
    return dropped != raised.get();
  }

  /** On the engine thread: the runs were dropped for every fence raised so far. */
  void droppedUpTo() {
    dropped = raised.get();
  }

  /** Whether the engine thread dropped its runs for every fence raised. */
  boolean settled() {
    return !dropDue();
  }

  /** Lowers the fence once the node joined again. */
  void lower() {
    fenced = false;
  }
}
