package dev.cairn.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStoreContractTest;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreStats;
import dev.cairn.v1.Event;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the store contract on SQLite files, plus what is specific to SQLite. */
class SqliteEventStoreTest extends EventStoreContractTest {

  private static final String FILE_NAME = "cairn.db";

  @Override
  protected EventStore openStore(Path dir) {
    return SqliteEventStore.open(dir.resolve(FILE_NAME));
  }

  @Override
  protected Connection openRawConnection(Path dir) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE_NAME));
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = 5000");
    }
    return connection;
  }

  private String queryRaw(String sql) throws SQLException {
    try (Connection connection = openRawConnection(dir);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() ? result.getString(1) : null;
    }
  }

  @Test
  void theDurabilityPragmasAreInForceOnTheWriter() throws SQLException {
    SqlitePragmas pragmas = ((SqliteEventStore) store).pragmas();

    assertThat(pragmas.journalMode()).isEqualTo("wal");
    assertThat(pragmas.synchronous()).isEqualTo(2);
    assertThat(pragmas.foreignKeys()).isEqualTo(1);
    assertThat(pragmas.busyTimeoutMillis()).isEqualTo(5000);
    // WAL is a property of the file, so any connection sees it.
    assertThat(queryRaw("PRAGMA journal_mode")).isEqualTo("wal");
  }

  @Test
  void aPragmaNotInForceIsNamedInTheRefusal() {
    assertThatThrownBy(() -> new SqlitePragmas("delete", 2, 5000, 1).requireInForce())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("journal_mode")
        .hasMessageContaining("delete");
    assertThatThrownBy(() -> new SqlitePragmas("wal", 1, 5000, 1).requireInForce())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("synchronous is 1");
    assertThatThrownBy(() -> new SqlitePragmas("wal", 2, 0, 1).requireInForce())
        .hasMessageContaining("busy_timeout is 0");
    assertThatThrownBy(() -> new SqlitePragmas("wal", 2, 5000, 0).requireInForce())
        .hasMessageContaining("foreign_keys is 0");
  }

  @Test
  void theSchemaIsMigratedToTheLatestVersion() throws SQLException {
    assertThat(queryRaw("PRAGMA user_version"))
        .isEqualTo(String.valueOf(SchemaMigrations.latestVersion()));
    assertThat(queryRaw("SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'runs')"))
        .isEqualTo("2");

    store.append(List.of(events.submitted("run-a", "w")));
    reopen();
    assertThat(store.findRun("run-a")).isPresent();
  }

  @Test
  void aDatabaseFromANewerServerIsRefused() throws SQLException {
    store.close();
    executeRaw("PRAGMA user_version = 99");

    assertThatThrownBy(() -> openStore(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99");
    executeRaw("PRAGMA user_version = " + SchemaMigrations.latestVersion());
    store = openStore(dir);
  }

  @Test
  void aMissingDirectoryIsReportedWithThePath() {
    Path missing = dir.resolve("missing").resolve(FILE_NAME);

    assertThatThrownBy(() -> SqliteEventStore.open(missing))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aFailedWriteRollsBackTheBatchAndStopsFurtherAppends() throws SQLException {
    // A trigger makes the third insert of the batch fail after the first two went in.
    executeRaw(
        "CREATE TRIGGER fail_third BEFORE INSERT ON events WHEN NEW.run_seq = 3"
            + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    List<Event> batch =
        List.of(
            events.submitted("run-a", "w"),
            events.stepStarted("run-a", "s"),
            events.succeeded("run-a"));

    assertThatThrownBy(() -> store.append(batch))
        .isInstanceOf(StoreException.class)
        .isNotInstanceOf(StoreConflictException.class)
        .hasMessageContaining("injected failure");
    assertThat(store.readAll(0, 10)).isEmpty();
    assertThat(store.findRun("run-a")).isEmpty();
    assertThatThrownBy(() -> store.append(List.of(events.submitted("run-b", "w"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no longer accepts writes");
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0));

    executeRaw("DROP TRIGGER fail_third");
    reopen();
    assertThat(store.append(batch)).extracting(Event::getGlobalSeq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void readsDoNotWaitForAnotherConnectionsWriteTransaction() throws SQLException {
    store.append(List.of(events.submitted("run-a", "w")));
    try (Connection writer = openRawConnection(dir);
        Statement statement = writer.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      statement.executeUpdate("UPDATE runs SET name = 'changing'");
      long start = System.nanoTime();

      assertThat(store.readAll(0, 10)).hasSize(1);
      assertThat(store.findRun("run-a").orElseThrow().getName()).isEqualTo("w");
      // A blocked read would wait for the 5 s busy timeout; a WAL snapshot read does not wait.
      assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
      statement.execute("ROLLBACK");
    }
  }
}
