package dev.cairn.server.api;

import dev.cairn.server.store.ClusterAccess.NodeService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a submit goes, on a cluster: the node it is sent to keeps it (and owns the run) unless that
 * node already owns {@code cairn.cluster.max-live-runs} live runs; then it is placed on the other
 * live node with the fewest live runs that is under its own limit, as the nodes last said (every
 * second, in {@code node_services}). When no node has room the node it was sent to keeps it: the
 * limit places submits, it does not refuse them. A placed submit carries {@link #HEADER}, and the
 * node it lands on keeps it whatever its load, so a submit moves at most once.
 *
 * <p>Also the interceptor that tells a placed submit from a client's: Quarkus puts it in front of
 * every service.
 */
@GlobalInterceptor
@Singleton
public class PlacedSubmits implements ServerInterceptor {
  /** Set on a submit another node placed here. */
  static final Metadata.Key<String> HEADER =
      Metadata.Key.of("cairn-placed-by-node", Metadata.ASCII_STRING_MARSHALLER);

  private static final Context.Key<Boolean> PLACED = Context.key("cairn-placed");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!headers.containsKey(HEADER)) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(PLACED, true), call, headers, next);
  }

  /** Whether the call being served is a submit another node placed here. */
  static boolean placedHere() {
    return Boolean.TRUE.equals(PLACED.get());
  }

  /**
   * The node to place a submit on, or empty to keep it here.
   *
   * @param limit this node's live-run limit, 0 for none
   * @param liveRuns the live runs this node owns now
   * @param self this node's id
   * @param nodes what the nodes last said they serve
   * @param staleAfter how long a node may be silent before it counts as down
   */
  static Optional<NodeService> elsewhere(
      int limit, int liveRuns, String self, List<NodeService> nodes, Duration staleAfter) {
    if (limit <= 0 || liveRuns < limit) {
      return Optional.empty();
    }
    return nodes.stream()
        .filter(node -> !node.nodeId().equals(self))
        .filter(node -> node.ageMillis() <= staleAfter.toMillis())
        .filter(node -> node.maxLiveRuns() <= 0 || node.liveRuns() < node.maxLiveRuns())
        .filter(node -> node.liveRuns() < liveRuns)
        .min(Comparator.comparingInt(NodeService::liveRuns).thenComparing(NodeService::nodeId));
  }
}
