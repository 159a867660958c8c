package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStoreContractTest;
import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreStats;
import dev.cairn.server.store.StoreUnreachableException;
import dev.cairn.server.store.TestEvents;
import dev.cairn.v1.Event;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the store contract on PostgreSQL, one new database per test, plus what is specific to it.
 * Needs the server bin/test starts; skipped, saying so, without one.
 */
class PostgresEventStoreTest extends EventStoreContractTest {

  private static PostgresTestDatabases databases;
  private String storeUrl;

  @BeforeAll
  static void connectToTheServerIfGiven() {
    databases = PostgresTestDatabases.ifGiven();
  }

  @AfterAll
  static void dropTheDatabases() {
    if (databases != null) {
      databases.close();
    }
  }

  @Override
  protected EventStore openStore(Path dir) {
    if (storeUrl == null) {
      PostgresTestDatabases.assumeGiven(databases);
      storeUrl = databases.create();
    }
    return EventStores.open(EventStores.parse(storeUrl), dir);
  }

  @Override
  protected Connection openRawConnection(Path dir) throws SQLException {
    return PostgresTestDatabases.connect(storeUrl);
  }

  @Test
  void theSchemaIsMigratedByFlywayOnceAndReopeningAppliesNothing() throws SQLException {
    assertThat(queryRaw("SELECT count(*) FROM cairn_schema_history WHERE success"))
        .isEqualTo(String.valueOf(migrationCount()));
    store.append(List.of(events.submitted("run-a", "w")));
    reopen();
    assertThat(queryRaw("SELECT count(*) FROM cairn_schema_history"))
        .isEqualTo(String.valueOf(migrationCount()));
    assertThat(store.findRun("run-a")).isPresent();
  }

  @Test
  void aDatabaseMigratedByANewerServerIsRefused() throws SQLException {
    store.close();
    executeRaw(
        "INSERT INTO cairn_schema_history (installed_rank, version, description, type, script,"
            + " checksum, installed_by, execution_time, success) VALUES (99, '99', 'future',"
            + " 'SQL', 'V99__future.sql', 0, 'test', 0, true)");

    assertThatThrownBy(() -> openStore(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema")
        .hasMessageNotContaining("\n");
    executeRaw("DELETE FROM cairn_schema_history WHERE installed_rank = 99");
    store = openStore(dir);
  }

  @Test
  void anUnreachableServerIsReportedInOneLineWithoutThePassword() {
    String url = "postgresql://cairn:secret-pw@127.0.0.1:1/nowhere";

    assertThatThrownBy(() -> EventStores.open(EventStores.parse(url), dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("postgresql://cairn@127.0.0.1:1/nowhere")
        .hasMessageNotContaining("secret-pw")
        .hasMessageNotContaining("\n");
    assertThat(EventStores.parse(url).toString()).doesNotContain("secret-pw");
  }

  @Test
  void aFailedWriteRollsBackTheBatchAndStopsFurtherAppends() throws SQLException {
    // A trigger makes the third insert of the batch fail after the first two went in.
    executeRaw(
        "CREATE FUNCTION fail_third() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF NEW.run_seq = 3 THEN RAISE EXCEPTION 'injected failure'; END IF;"
            + " RETURN NEW; END $$");
    executeRaw(
        "CREATE TRIGGER fail_third BEFORE INSERT ON events FOR EACH ROW"
            + " EXECUTE FUNCTION fail_third()");
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
    assertThat(store.lastGlobalSeq()).isZero();
    assertThat(store.findRun("run-a")).isEmpty();
    assertThatThrownBy(() -> store.append(List.of(events.submitted("run-b", "w"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no longer accepts writes");
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0));

    executeRaw("DROP TRIGGER fail_third ON events");
    reopen();
    assertThat(store.append(batch)).extracting(Event::getGlobalSeq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void afterLosingItsSessionsTheStoreConnectsAgainAndAnAppendInDoubtIsNotWrittenTwice()
      throws SQLException {
    store.append(List.of(events.submitted("run-a", "w")));
    assertThat(store.readAll(0, 10)).hasSize(1);

    // The database server ends every session of the store, as a restart of it would.
    terminateSessions();

    // A read may fail once, in one line, on a connection that was idle; the next one reconnects.
    List<Event> read = null;
    for (int attempt = 0; attempt < 2 && read == null; attempt++) {
      try {
        read = store.readAll(0, 10);
      } catch (StoreException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
    assertThat(read).hasSize(1);
    // The writer's session is gone: the append fails as unreachable, with its outcome unknown.
    Event started = TestEvents.at(events.stepStarted("run-a", "s"), 2);
    assertThatThrownBy(() -> store.append(List.of(started)))
        .isInstanceOfSatisfying(
            StoreUnreachableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    // It did not land: the same append, tried again, connects again and writes it once.
    assertThat(store.append(List.of(started))).extracting(Event::getGlobalSeq).containsExactly(2L);

    // An append whose commit happened though its answer was lost: another writer stands in for
    // the lost answer here. Tried again, the store finds it stored and writes only what follows.
    terminateSessions();
    Event failed = TestEvents.at(events.stepFailed("run-a", "s"), 3);
    assertThatThrownBy(() -> store.append(List.of(failed)))
        .isInstanceOf(StoreUnreachableException.class);
    try (EventStore other = EventStores.open(EventStores.parse(storeUrl), dir)) {
      other.append(List.of(failed));
    }
    Event again = TestEvents.at(events.stepStarted("run-a", "s"), 4);
    assertThat(store.append(List.of(failed, again)))
        .extracting(Event::getGlobalSeq)
        .containsExactly(3L, 4L);
    // The pooled read connections died with the sessions: the first read may fail, once.
    try {
      store.readRun("run-a", 0, 10);
    } catch (StoreException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
    }
    assertThat(store.readRun("run-a", 0, 10)).hasSize(4);
    // A caller that does not begin with the append in doubt is refused: the store fails closed.
    terminateSessions();
    Event later = TestEvents.at(events.stepFailed("run-a", "s"), 5);
    assertThatThrownBy(() -> store.append(List.of(later)))
        .isInstanceOf(StoreUnreachableException.class);
    assertThatThrownBy(() -> store.append(List.of(events.submitted("run-b", "w"))))
        .isInstanceOf(StoreException.class)
        .isNotInstanceOf(StoreUnreachableException.class);
    assertThatThrownBy(() -> store.append(List.of(later)))
        .hasMessageContaining("no longer accepts writes");
  }

  private void terminateSessions() throws SQLException {
    assertThat(
            queryRaw(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        .isNotEqualTo("0");
  }

  @Test
  void theOfflineCheckFindsAProjectionThatDisagreesAndTheRebuildMendsIt() throws SQLException {
    store.append(List.of(events.submitted("run-a", "w", "req"), events.succeeded("run-a")));
    store.append(List.of(events.submitted("run-b", "w")));
    var checks = EventStores.checks(EventStores.parse(storeUrl), dir);
    assertThat(checks.exists()).isTrue();
    assertThat(checks.check().clean()).isTrue();
    assertThat(checks.check().events()).isEqualTo(3);

    executeRaw("UPDATE runs SET status = 1 WHERE run_id = 'run-a'");
    executeRaw("DELETE FROM runs WHERE run_id = 'run-b'");
    var report = checks.check();
    assertThat(report.eventsIntact()).isTrue();
    assertThat(report.damage())
        .containsExactlyInAnyOrder(
            "the runs projection's row of run run-a disagrees with its events",
            "run run-b has events but no row in the runs projection");

    checks.rebuild();
    assertThat(checks.check().clean()).isTrue();
    assertThat(statusOf("run-a")).isEqualTo(dev.cairn.v1.RunStatus.RUN_STATUS_SUCCEEDED);
  }

  /**
   * The versioned scripts in db/postgresql, counted rather than written down, as changes add them.
   */
  private long migrationCount() {
    try (java.util.stream.Stream<java.nio.file.Path> scripts =
        java.nio.file.Files.list(
            java.nio.file.Path.of(
                PostgresEventStoreTest.class
                    .getClassLoader()
                    .getResource("db/postgresql")
                    .toURI()))) {
      return scripts
          .filter(path -> path.getFileName().toString().matches("V\\d+__.*\\.sql"))
          .count();
    } catch (java.io.IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private String queryRaw(String sql) throws SQLException {
    try (Connection connection = openRawConnection(dir);
        var statement = connection.createStatement();
        var result = statement.executeQuery(sql)) {
      return result.next() ? result.getString(1) : null;
    }
  }
}
