package dev.cairn.server.store;

import java.nio.file.Path;
import java.sql.Connection;

/**
 * Runs the store contract on the in-memory store the engine shell's tests use, so that what those
 * tests show holds for a store that behaves like SQLite.
 */
class InMemoryEventStoreTest extends EventStoreContractTest {

  // What a file would be: one per test, kept across a close and a reopen.
  private final InMemoryEventStore.Log log = new InMemoryEventStore.Log();

  @Override
  protected EventStore openStore(Path dir) {
    return new InMemoryEventStore(log);
  }

  @Override
  protected boolean hasRawAccess() {
    return false;
  }

  @Override
  protected Connection openRawConnection(Path dir) {
    throw new UnsupportedOperationException("the in-memory store has no SQL connection");
  }

  @Override
  protected void damageProjection(String runToDrop) {
    ((InMemoryEventStore) store).damageProjection(runToDrop);
  }
}
