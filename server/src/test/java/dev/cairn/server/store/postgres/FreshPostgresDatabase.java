package dev.cairn.server.store.postgres;

import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.StoreUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A new, empty PostgreSQL database for each test of a class, on the server {@link
 * PostgresTestDatabases} names, and whatever the test opened on it closed after it, last first.
 * Register it on a static field with {@code @RegisterExtension}; without a server each test is
 * skipped, saying why.
 */
public final class FreshPostgresDatabase
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final List<AutoCloseable> opened = new ArrayList<>();
  private PostgresTestDatabases databases;
  private StoreUrl url;

  @Override
  public void beforeAll(ExtensionContext context) {
    databases = PostgresTestDatabases.ifGiven();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    PostgresTestDatabases.assumeGiven(databases);
    url = EventStores.parse(databases.create());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      for (int i = opened.size() - 1; i >= 0; i--) {
        opened.get(i).close();
      }
    } finally {
      opened.clear();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (databases != null) {
      databases.close();
    }
  }

  /** The store URL of this test's database. */
  public StoreUrl url() {
    return url;
  }

  /** Closes the resource after the test, before anything opened earlier. */
  public <T extends AutoCloseable> T closeAfter(T resource) {
    opened.add(resource);
    return resource;
  }

  /** A store opened as the node {@code id} (address {@code id:1}), closed after the test. */
  public PostgresEventStore node(String id, Duration leaseTime) {
    return closeAfter(
        PostgresStores.openAsNode(url, NodeIdentity.booting(id, id + ":1"), leaseTime));
  }
}
