package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.StoreCorruptException;
import java.util.Locale;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Tells SQLite's reports of a damaged file apart from other failures, so that the store can raise
 * {@link StoreCorruptException}: the port names no SQLite class, the adapter translates here.
 */
final class SqliteErrors {
  /** SQLITE_CORRUPT's primary code; its extended codes (index, vtab, sequence) share it. */
  private static final int CORRUPT = 11;

  /** SQLITE_NOTADB: the file is not a database at all. */
  private static final int NOT_A_DATABASE = 26;

  private SqliteErrors() {}

  /** Whether SQLite said, anywhere in the chain of causes, that the file is damaged. */
  static boolean isCorrupt(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof StoreCorruptException) {
        return true;
      }
      if (cause instanceof SQLiteException sqlite) {
        SQLiteErrorCode code = sqlite.getResultCode();
        int primary = code == null ? -1 : code.code & 0xff;
        if (primary == CORRUPT || primary == NOT_A_DATABASE) {
          return true;
        }
      }
      String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("sqlite_corrupt")
          || message.contains("sqlite_notadb")
          || message.contains("malformed")
          || message.contains("not a database")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether SQLite said, anywhere in the chain of causes, that the disk or the database's size
   * limit is full: then it rolled the transaction back whole, and the store stays usable.
   */
  static boolean isDiskFull(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLiteException sqlite
          && sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL) {
        return true;
      }
      if (String.valueOf(cause.getMessage()).contains("SQLITE_FULL")) {
        return true;
      }
    }
    return false;
  }

  /** The message of SQLite's own error (not its wrappers'), on one line. */
  static String oneLine(Throwable error) {
    Throwable source = error;
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.sql.SQLException) {
        source = cause;
      }
    }
    return String.valueOf(source.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
