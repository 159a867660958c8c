package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.StoreException;
import org.jdbi.v3.core.Handle;

/**
 * The connection settings the SQLite store's durability rests on, as read back from a connection.
 *
 * @param journalMode the journal mode, expected {@code wal} so readers never block the writer
 * @param synchronous the synchronous level, expected 2 (FULL) so a commit survives a power loss
 * @param busyTimeoutMillis how long a statement waits for a lock, expected {@value
 *     #BUSY_TIMEOUT_MS}
 * @param foreignKeys whether foreign keys are enforced, expected 1
 */
public record SqlitePragmas(
    String journalMode, int synchronous, int busyTimeoutMillis, int foreignKeys) {

  /** The busy timeout every store connection is opened with. */
  public static final int BUSY_TIMEOUT_MS = 5000;

  /** The values the store refuses to run without. */
  public static final SqlitePragmas REQUIRED = new SqlitePragmas("wal", 2, BUSY_TIMEOUT_MS, 1);

  /** Reads the pragmas in force on the handle's connection. */
  static SqlitePragmas readFrom(Handle handle) {
    return new SqlitePragmas(
        handle.createQuery("PRAGMA journal_mode").mapTo(String.class).one(),
        handle.createQuery("PRAGMA synchronous").mapTo(Integer.class).one(),
        handle.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one(),
        handle.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one());
  }

  /**
   * Throws unless every pragma has its required value: a store that silently ran without WAL or
   * with a weaker synchronous level could lose acknowledged events.
   */
  void requireInForce() {
    require("journal_mode", journalMode, REQUIRED.journalMode);
    require("synchronous", synchronous, REQUIRED.synchronous);
    require("busy_timeout", busyTimeoutMillis, REQUIRED.busyTimeoutMillis);
    require("foreign_keys", foreignKeys, REQUIRED.foreignKeys);
  }

  private static void require(String pragma, Object actual, Object expected) {
    if (!String.valueOf(actual).equalsIgnoreCase(String.valueOf(expected))) {
      throw new StoreException(
          "refusing to open the event store: PRAGMA "
              + pragma
              + " is "
              + actual
              + " but must be "
              + expected);
    }
  }
}
