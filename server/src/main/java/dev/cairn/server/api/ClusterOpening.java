package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.StoreUrl;
import dev.cairn.server.store.postgres.PostgresEventStore;
import dev.cairn.server.store.postgres.PostgresStores;
import java.time.Duration;

/**
 * Opens a PostgreSQL store as one node of the servers sharing it: the node's id is the data
 * directory's store id (kept across restarts, different on every node), its address the one it
 * listens on, and a new boot id per start. The runs this node's earlier boot owned (or that no node
 * holds) are leased again before recovery reads them, so that a restarted node goes on with its own
 * runs as a single server does.
 */
final class ClusterOpening {
  /** How long a lease lasts without renewal, on the database's clock. */
  static final Duration LEASE_TIME = Duration.ofSeconds(30);

  private ClusterOpening() {}

  /** Whether the store is one that several servers may share. */
  static boolean shared(StoreUrl url) {
    return PostgresStores.SCHEME.equals(url.scheme());
  }

  static EventStore open(StoreUrl url, DataDirectory directory, String address) {
    PostgresEventStore store =
        PostgresStores.openAsNode(
            url, NodeIdentity.booting(directory.storeId(), address), LEASE_TIME);
    try {
      store
          .ownership()
          .ifPresent(
              ownership -> store.unfinishedRunIds().forEach(runId -> ownership.acquire(runId)));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }
}
