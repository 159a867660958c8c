package dev.cairn.server.store.postgres;

import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUnreachableException;
import dev.cairn.v1.Event;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The store's one writer connection, and what it knows of its failures. A conflict rolls back and
 * leaves it usable, as does a full disk (PostgreSQL rolls back whole). A lost connection (the
 * database restarted, the network broke) makes it connect again on the next write, and the events
 * of an append that was under way stay in doubt until that append is tried again and the database
 * says which of them landed. Any other failure stops every later write: the store fails closed. Not
 * thread-safe: the store calls it under its own lock.
 */
final class PostgresWriter implements AutoCloseable {
  private final PostgresAddress address;
  private final PostgresConnections connections;
  private Handle handle;
  private boolean broken;

  /** Session advisory locks taken on the current connection; a new connection holds none. */
  private final Set<Long> sessionLocks = new HashSet<>();

  /** The failure that stopped writes, or null while the writer is healthy. */
  private StoreException failure;

  /**
   * The events of the last append whose connection broke before its outcome was known, or null: the
   * next append must begin with them, and learns from the database which of them landed.
   */
  private List<Event> inDoubt;

  PostgresWriter(PostgresAddress address, PostgresConnections connections, Handle handle) {
    this.address = address;
    this.connections = connections;
    this.handle = handle;
  }

  /** Refuses any write after a failure that stopped them. */
  void requireWritable() {
    if (failure != null) {
      throw new StoreException(
          "the event store no longer accepts writes after an earlier failure; restart the server ("
              + failure.getMessage()
              + ")",
          failure);
    }
  }

  /** Runs the work in one transaction on the writer; see the class comment for its failures. */
  <T> T inTransaction(String what, Function<Handle, T> work) {
    reconnectIfBroken(what);
    try {
      handle.begin();
      T result = work.apply(handle);
      handle.commit();
      return result;
    } catch (StoreConflictException conflict) {
      rollback(what, conflict);
      throw conflict;
    } catch (RuntimeException e) {
      StoreException classified = PostgresErrors.classify(what + " in " + address, e);
      rollbackQuietly();
      if (PostgresErrors.connectionLost(e)) {
        broken = true;
        throw new StoreUnreachableException(classified.getMessage(), e, true);
      }
      if (!PostgresErrors.leavesTheStoreUsable(classified)) {
        failure = classified;
      }
      throw classified;
    }
  }

  /** An append of these events failed with its outcome unknown. */
  void inDoubt(List<Event> events) {
    inDoubt = List.copyOf(events);
  }

  /**
   * Before an append: which events of the append in doubt landed, as stored (none when there is
   * none). They are a prefix of it; the caller must begin its append with the same events, or the
   * writer fails closed, since it could no longer tell which of its writes landed.
   */
  List<Event> settleInDoubt(List<Event> events) {
    List<Event> unknown = inDoubt;
    if (unknown == null) {
      return List.of();
    }
    if (events.size() < unknown.size() || !events.subList(0, unknown.size()).equals(unknown)) {
      failure =
          new StoreException(
              "an append whose outcome was unknown after a lost connection was not tried again");
      throw failure;
    }
    // On the writer's own new connection: the pooled ones may be as broken as the old writer.
    reconnectIfBroken("learn whether an append landed");
    List<Event> landed;
    try {
      landed = PostgresLandedEvents.of(handle, unknown);
    } catch (JdbiException e) {
      broken = true;
      throw new StoreUnreachableException(
          "could not learn whether an append landed in "
              + address
              + ": "
              + PostgresErrors.describe(e),
          e,
          true);
    }
    inDoubt = null;
    return landed;
  }

  /**
   * Whether the writer's session holds the advisory lock, taking it if it is free: held exactly as
   * long as this writer's connection lives, so a server that dies or loses the database gives it
   * up, and one that connects again must win it again.
   */
  boolean holdSessionLock(long key, String what) {
    reconnectIfBroken(what);
    if (sessionLocks.contains(key)) {
      return true;
    }
    try {
      boolean taken =
          handle
              .createQuery("SELECT pg_try_advisory_lock(:key)")
              .bind("key", key)
              .mapTo(Boolean.class)
              .one();
      if (taken) {
        sessionLocks.add(key);
      }
      return taken;
    } catch (JdbiException e) {
      if (PostgresErrors.connectionLost(e)) {
        broken = true;
        throw new StoreUnreachableException(
            "could not " + what + ": " + PostgresErrors.describe(e), e, false);
      }
      throw new StoreException(
          "could not " + what + " in " + address + ": " + PostgresErrors.describe(e), e);
    }
  }

  /** Opens a new connection in place of one that broke. */
  private void reconnectIfBroken(String what) {
    if (!broken) {
      return;
    }
    try {
      Handle fresh = Jdbi.open(connections.openDedicated());
      closeQuietly();
      handle = fresh;
      broken = false;
      // The old session's locks went with it (the database released them when it ended).
      sessionLocks.clear();
    } catch (SQLException | JdbiException e) {
      throw new StoreUnreachableException(
          "could not "
              + what
              + ": the database "
              + address
              + " cannot be reached: "
              + PostgresErrors.describe(e),
          e,
          false);
    }
  }

  private void rollback(String what, StoreConflictException conflict) {
    try {
      handle.rollback();
    } catch (RuntimeException e) {
      failure = new StoreException("could not " + what + " in " + address, e);
      conflict.addSuppressed(e);
    }
  }

  private void rollbackQuietly() {
    try {
      handle.rollback();
    } catch (RuntimeException ignored) {
      // The connection may be gone; the transaction is then rolled back by the server.
    }
  }

  private void closeQuietly() {
    try {
      handle.close();
    } catch (RuntimeException ignored) {
      // A connection the server already dropped has nothing left to release.
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
