package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.StoreUrl;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Opens the store and says in the log what it holds: after a crash, what the store kept (and what
 * it says it found on opening) is the operator's view of what survived.
 */
final class StoreReport {
  private static final Logger LOG = Logger.getLogger(StoreReport.class);

  private StoreReport() {}

  static EventStore open(StoreUrl url, Path localFiles) {
    return report(url, EventStores.open(url, localFiles));
  }

  /** Opens the store for a node of several sharing it, and says what it holds. */
  static EventStore openAsNode(
      StoreUrl url, Path localFiles, NodeIdentity node, java.time.Duration leaseTime) {
    EventStore store = report(url, EventStores.openAsNode(url, localFiles, node, leaseTime));
    LOG.infof(
        "this server is node %s (address %s, boot %s) of the servers sharing the store; leases"
            + " last %d ms",
        node.nodeId(), node.address(), node.bootId(), Long.valueOf(leaseTime.toMillis()));
    return store;
  }

  private static EventStore report(StoreUrl url, EventStore store) {
    long lastSeq;
    int unfinished;
    try {
      lastSeq = store.lastGlobalSeq();
      unfinished = store.unfinishedRunIds().size();
    } catch (RuntimeException e) {
      // Damage these first reads find refuses the start: the store must not stay open behind it.
      store.close();
      throw e;
    }
    String note = store.openingNote();
    LOG.infof(
        "event store %s opened%s: kept events 1..%d, %d unfinished runs to recover",
        url, note.isEmpty() ? "" : " (" + note + ")", lastSeq, unfinished);
    return store;
  }
}
