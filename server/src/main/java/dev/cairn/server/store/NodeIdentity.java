package dev.cairn.server.store;

import java.util.UUID;

/**
 * One server among those sharing a store: a node.
 *
 * @param nodeId stable across restarts of the same server (kept with its data directory)
 * @param address where other nodes and clients reach it, host:port
 * @param bootId new at every start, so that a restarted node is told from its earlier life
 */
public record NodeIdentity(String nodeId, String address, String bootId) {

  /** Checks that every part is given. */
  public NodeIdentity {
    if (nodeId == null || nodeId.isBlank() || address == null || bootId == null) {
      throw new IllegalArgumentException("a node needs an id, an address and a boot id");
    }
  }

  /** This node in a new boot. */
  public static NodeIdentity booting(String nodeId, String address) {
    return new NodeIdentity(nodeId, address, UUID.randomUUID().toString());
  }
}
