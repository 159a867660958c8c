package dev.cairn.server.store;

/**
 * A node's ownership of one live run. Every append for the run must carry the lease's epoch: a node
 * that took the run over raised it, so the earlier owner's appends are refused ({@link
 * StoreFencedException}).
 *
 * @param runId the run
 * @param nodeId the owning node
 * @param bootId the boot of the owning node that took the lease
 * @param epoch raised by one at every change of owner
 */
public record RunLease(String runId, String nodeId, String bootId, long epoch) {}
