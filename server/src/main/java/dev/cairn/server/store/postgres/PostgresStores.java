package dev.cairn.server.store.postgres;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.StoreCheckReport;
import dev.cairn.server.store.StoreChecks;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreProvider;
import dev.cairn.server.store.StoreUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The PostgreSQL adapter's entry, registered in {@code META-INF/services}: {@code
 * postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?PARAMETERS]} names a database that one or
 * more servers share (see {@link PostgresAddress}). It keeps no files on this machine.
 */
public final class PostgresStores implements StoreProvider {
  /** The scheme of PostgreSQL store URLs. */
  public static final String SCHEME = "postgresql";

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public EventStore open(StoreUrl url, Path localFiles) {
    return PostgresEventStore.open(PostgresAddress.of(url));
  }

  /**
   * Opens the store for one node of several sharing the database: the node is registered, and every
   * append is fenced on the leases of the runs it continues (see {@link
   * dev.cairn.server.store.RunOwnership}).
   *
   * @param leaseTime how long a lease lasts without renewal, on the database's clock
   */
  public static PostgresEventStore openAsNode(StoreUrl url, NodeIdentity node, Duration leaseTime) {
    return PostgresEventStore.open(PostgresAddress.of(url), new PostgresNode(node, leaseTime));
  }

  @Override
  public boolean sharedByNodes() {
    return true;
  }

  @Override
  public EventStore openAsNode(
      StoreUrl url, Path localFiles, NodeIdentity node, Duration leaseTime) {
    return openAsNode(url, node, leaseTime);
  }

  @Override
  public StoreChecks checks(StoreUrl url, Path localFiles) {
    return new DatabaseChecks(PostgresAddress.of(url));
  }

  /** The offline checks of one database; each opens its own connection. */
  private record DatabaseChecks(PostgresAddress address) implements StoreChecks {
    @Override
    public boolean exists() {
      return withDatabase(
          "look for the store",
          jdbi ->
              jdbi.withHandle(
                  handle ->
                      handle
                          .createQuery("SELECT to_regclass('events') IS NOT NULL")
                          .mapTo(Boolean.class)
                          .one()));
    }

    @Override
    public String location() {
      return address.display();
    }

    /** A server that finds damage in PostgreSQL stops; it leaves no mark in the database. */
    @Override
    public Optional<String> damageMark() {
      return Optional.empty();
    }

    @Override
    public void clearDamageMark() {}

    @Override
    public StoreCheckReport check() {
      return withDatabase(
          "check the store",
          jdbi ->
              jdbi.inTransaction(
                  TransactionIsolationLevel.REPEATABLE_READ, PostgresOfflineCheck::check));
    }

    @Override
    public String rebuild() {
      try (EventStore store = PostgresEventStore.open(address)) {
        store.rebuildProjection();
      }
      return "nothing: the runs projection was rebuilt in place (take a pg_dump first to keep one)";
    }

    private <T> T withDatabase(String what, Function<Jdbi, T> work) {
      try (PostgresConnections connections = new PostgresConnections(address)) {
        return work.apply(Jdbi.create(connections));
      } catch (JdbiException e) {
        throw new StoreException(
            "could not " + what + " at " + address + ": " + PostgresErrors.describe(e), e);
      }
    }
  }
}
