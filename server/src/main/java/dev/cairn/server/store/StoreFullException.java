package dev.cairn.server.store;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * An append failed because the disk (or the database's size limit) is full. Nothing of it was
 * written and the store stays writable: the caller may try again when space returns.
 */
public final class StoreFullException extends StoreException {
  public StoreFullException(String message, Throwable cause) {
    super(message, cause);
  }

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
}
