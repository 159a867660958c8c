package dev.cairn.server.store.postgres;

import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreFullException;
import java.sql.SQLException;
import java.util.Set;

/** What a PostgreSQL error means for the store, by its SQLSTATE. */
final class PostgresErrors {
  /** A unique constraint: another writer stored the same run_seq or request_id first. */
  static final String UNIQUE_VIOLATION = "23505";

  /** No space left for the database (class 53 is insufficient resources). */
  static final String DISK_FULL = "53100";

  /** A deadlock or a serialization failure: the server rolled the transaction back whole. */
  private static final Set<String> ROLLED_BACK_WHOLE = Set.of("40P01", "40001");

  private PostgresErrors() {}

  /**
   * Whether nothing of the failed transaction can have been committed and the connection is still
   * good, so the store may take the next write.
   */
  static boolean leavesTheStoreUsable(StoreException failure) {
    return failure instanceof StoreConflictException
        || failure instanceof StoreFullException
        || ROLLED_BACK_WHOLE.contains(sqlState(failure));
  }

  /**
   * Whether the connection broke rather than the statement failed: SQLSTATE class 08 (connection
   * exception) or 57P (the server shut down or restarts). The database may be back in a moment.
   */
  static boolean connectionLost(Throwable failure) {
    String state = sqlState(failure);
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  /** The failure of a write, as the store reports it; {@code what} says what was being done. */
  static StoreException classify(String what, RuntimeException failure) {
    if (failure instanceof StoreException known) {
      return known;
    }
    String state = sqlState(failure);
    String message = "could not " + what + ": " + describe(failure);
    if (UNIQUE_VIOLATION.equals(state)) {
      return new StoreConflictException(message);
    }
    if (DISK_FULL.equals(state)) {
      return new StoreFullException(message, failure);
    }
    return new StoreException(message, failure);
  }

  /** The SQLSTATE of the first SQLException among the causes, or null. */
  static String sqlState(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /** The database's own message, on one line, without the statement JDBI appends. */
  static String describe(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException found) {
        // A failed batch says "Batch entry N <statement> was aborted" and chains the reason.
        SQLException sql = found;
        while (sql.getNextException() != null) {
          sql = sql.getNextException();
        }
        String message = String.valueOf(sql.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
      }
    }
    return String.valueOf(failure.getMessage());
  }
}
