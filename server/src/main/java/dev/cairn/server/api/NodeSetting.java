package dev.cairn.server.api;

import dev.cairn.server.store.NodeIdentity;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code cairn.cluster.*} settings of a server whose store several servers share, checked
 * before anything is opened: the node id (given, or kept in the data directory), the address the
 * node is reached at, the lease time and the self-fencing margin.
 *
 * @param nodeId the configured node id, if any
 * @param address where the node is reached, host:port
 * @param leaseTime how long a lease lasts without renewal
 * @param margin how long before its lease could run out a node must have stopped its processes
 */
record NodeSetting(Optional<String> nodeId, String address, Duration leaseTime, Duration margin) {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * Reads and checks the settings.
   *
   * @throws StartRefused naming the setting, when one is out of range
   */
  static NodeSetting of(CairnConfig config, int port) {
    CairnConfig.Cluster cluster = config.cluster();
    cluster
        .nodeId()
        .filter(id -> !NODE_ID.matcher(id).matches())
        .ifPresent(
            id -> {
              throw new StartRefused(
                  "cairn.cluster.node-id '"
                      + id
                      + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
            });
    Duration lease = cluster.leaseTime();
    Duration margin = cluster.leaseMargin();
    if (lease.compareTo(Duration.ofMillis(300)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
      throw new StartRefused(
          "cairn.cluster.lease-time must be between 300ms and 1h, got " + lease.toMillis() + "ms");
    }
    if (margin.compareTo(config.stopGrace()) <= 0 || margin.compareTo(lease) >= 0) {
      throw new StartRefused(
          "cairn.cluster.lease-margin ("
              + margin.toMillis()
              + "ms) must be longer than cairn.stop-grace ("
              + config.stopGrace().toMillis()
              + "ms) and shorter than cairn.cluster.lease-time ("
              + lease.toMillis()
              + "ms): a node that cannot renew stops its steps within the margin");
    }
    String address =
        cluster.advertisedAddress().filter(a -> !a.isBlank()).orElse(config.host() + ":" + port);
    if (address.length() > 255 || !address.matches("[^\\s/]+:[0-9]{1,5}")) {
      throw new StartRefused("cairn.cluster.advertised-address '" + address + "' is not HOST:PORT");
    }
    return new NodeSetting(cluster.nodeId(), address, lease, margin);
  }

  /** This node in this boot: the configured id, else the one kept in the data directory. */
  NodeIdentity identity(DataDirectory directory) {
    return NodeIdentity.booting(nodeId.orElseGet(directory::nodeId), address);
  }
}
