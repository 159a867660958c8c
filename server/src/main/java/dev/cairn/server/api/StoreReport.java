package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStores;
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
    return opened(EventStores.open(url, localFiles), url);
  }

  /** Says what a store opened elsewhere holds; closes it when even that cannot be read. */
  static EventStore opened(EventStore store, StoreUrl url) {
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
