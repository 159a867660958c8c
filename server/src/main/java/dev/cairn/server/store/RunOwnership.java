package dev.cairn.server.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which node owns which live run, for a store that several servers share. A store opened for a node
 * fences every append on the run's lease: a run is appended to only by the node (and boot) holding
 * its lease, at the epoch it took it with.
 *
 * <p>Leases expire on the database's clock, so the nodes' clocks need not agree; a node measures
 * its own deadline on its monotonic clock from when it sent its last successful renewal, and must
 * stop the processes of its runs before that deadline, by a margin larger than the clock rate
 * difference over one lease time, so that no run is worked on by two nodes at once (self-fencing).
 */
public interface RunOwnership {

  /** This node, as it registered. */
  NodeIdentity node();

  /** Every node that registered, with its last heartbeat. */
  List<NodeRecord> nodes();

  /**
   * Takes the lease of an unfinished run that no live lease holds (its owner stopped renewing), or
   * that an earlier boot of this node held, raising its epoch; a run without a lease gets epoch 1.
   * A run submitted through this node's store is leased to it by the submit itself.
   *
   * @return the new lease, or empty when another node holds a live lease or the run is finished
   */
  Optional<RunLease> acquire(String runId);

  /**
   * Renews every lease this node holds that has not expired, and records a heartbeat.
   *
   * @return the runs this node no longer holds: their leases expired or were taken, or a newer boot
   *     of this node registered; the node must stop working on them
   */
  Set<String> renew();

  /**
   * Unfinished runs that no live lease holds: their owner stopped renewing, or they were never
   * leased (submitted by a server that was no node). Any node may try to take them.
   *
   * @param limit how many to return at most
   */
  List<String> orphanedRuns(int limit);

  /**
   * Joins again after this node stopped its runs because it could not renew: records a heartbeat,
   * lets every lease this boot still holds expire at once, and forgets them, so that any node (this
   * one too) may take those runs over with a higher epoch. Nothing this node appends for them
   * passes the fence until it takes them again.
   */
  void rejoin();

  /** The run's lease as stored, if it has one. */
  Optional<RunLease> leaseOf(String runId);

  /**
   * A node as registered.
   *
   * @param identity its id, address and current boot
   * @param heartbeatAgeMillis how long ago, on the database's clock, it last renewed
   */
  record NodeRecord(NodeIdentity identity, long heartbeatAgeMillis) {}
}
