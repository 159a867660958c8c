package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.SqliteEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Opens the store and says in the log what it holds. After a crash SQLite keeps the longest
 * consistent prefix of the write-ahead log (a torn tail fails its checksums and is dropped), so the
 * report of what was kept is the operator's view of what survived.
 */
final class StoreReport {
  private static final Logger LOG = Logger.getLogger(StoreReport.class);

  private StoreReport() {}

  static EventStore open(Path database) {
    long walBytes = size(database.resolveSibling(database.getFileName() + "-wal"));
    EventStore store = SqliteEventStore.open(database);
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
    LOG.infof(
        "event store %s opened (write-ahead log found: %d bytes): kept events 1..%d, %d unfinished"
            + " runs to recover",
        database, walBytes, lastSeq, unfinished);
    return store;
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return -1;
    }
  }
}
