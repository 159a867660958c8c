package dev.cairn.server.runtime;

import dev.cairn.server.engine.AttemptRecord;
import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.ClusterAccess.NodeService;
import java.time.Duration;
import java.util.Optional;

/**
 * Which node holds an attempt's output: the one that ran it, told by the attempt's marker, whose
 * prefix names the data directory of the node that started the process (each node publishes its
 * prefix). An attempt this node ran, or one no node claims, is served here as on one server.
 */
public final class AttemptHosts {
  private final RunQueries runs;
  private final ClusterAccess cluster;
  private final String ownMarkerPrefix;
  private final Duration staleAfter;

  /**
   * @param staleAfter how long a node may go without saying what it serves before it counts as down
   */
  public AttemptHosts(
      RunQueries runs, ClusterAccess cluster, String ownMarkerPrefix, Duration staleAfter) {
    this.runs = runs;
    this.cluster = cluster;
    this.ownMarkerPrefix = ownMarkerPrefix;
    this.staleAfter = staleAfter;
  }

  /**
   * The other node that holds the attempt's output (0 = the latest attempt), or empty to serve it
   * here; reads the store.
   *
   * @throws NodeUnavailableException naming the node when the one that ran the attempt is down
   */
  public Optional<NodeService> remoteHost(String runId, String stepId, int attempt) {
    AttemptRecord record;
    try {
      record = RunQueries.attempt(runs.state(runId), stepId, attempt);
    } catch (RuntimeException notHere) {
      // Not found, not started, kept from another run: the local path says so in its words.
      return Optional.empty();
    }
    String marker = record.marker();
    if (marker.isEmpty() || marker.startsWith(ownMarkerPrefix)) {
      return Optional.empty();
    }
    for (NodeService service : cluster.services()) {
      if (service.markerPrefix().isEmpty() || !marker.startsWith(service.markerPrefix())) {
        continue;
      }
      if (service.nodeId().equals(cluster.node().nodeId())) {
        return Optional.empty();
      }
      if (service.ageMillis() > staleAfter.toMillis()) {
        throw new NodeUnavailableException(
            "attempt "
                + record.number()
                + " of step '"
                + stepId
                + "' ran on node "
                + service.nodeId()
                + " ("
                + service.address()
                + "), which holds its output and has not been seen for "
                + Math.max(1, service.ageMillis() / 1000)
                + " s; the output is readable again once that node is back");
      }
      return Optional.of(service);
    }
    return Optional.empty();
  }
}
