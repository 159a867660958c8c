package dev.cairn.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.TestEvents;
import dev.cairn.v1.Event;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bytes flipped in the database file, in pages of the events table and of the runs projection: the
 * store refuses to open or reports the damage on read, never answers an acknowledged run as absent
 * and never takes a second run for a request id it holds; the offline check names the damage and a
 * rebuild from intact events restores a sound store.
 */
class StoreCorruptionTest {
  private static final int RUNS = 40;

  @TempDir Path dir;

  private final TestEvents events = new TestEvents();

  private Path database() {
    return dir.resolve("cairn.db");
  }

  /**
   * Runs with request ids, some finished, several events each; then VACUUM leaves no free space.
   */
  private List<String> fill() throws SQLException {
    List<String> runIds = new ArrayList<>();
    try (SqliteEventStore store = SqliteEventStore.open(database())) {
      for (int i = 0; i < RUNS; i++) {
        String runId = "run-" + i;
        List<Event> batch = new ArrayList<>();
        batch.add(events.submitted(runId, "flow-" + (i % 3), "request-" + i));
        for (int step = 0; step < 6; step++) {
          batch.add(events.stepStarted(runId, "step-" + step));
        }
        if (i % 2 == 0) {
          batch.add(events.succeeded(runId));
        }
        store.append(batch);
        runIds.add(runId);
      }
    }
    raw("VACUUM");
    return runIds;
  }

  private void raw(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The pages of a table or index, from SQLite's dbstat. */
  private List<Long> pagesOf(String name) throws SQLException {
    List<Long> pages = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database());
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT pageno FROM dbstat WHERE name = '" + name + "' ORDER BY pageno")) {
      while (rows.next()) {
        pages.add(rows.getLong(1));
      }
    }
    return pages;
  }

  private int pageSize() throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database());
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("PRAGMA page_size")) {
      row.next();
      return row.getInt(1);
    }
  }

  /** XORs 64 bytes inside the cell content of the page with random non-zero values. */
  static void flip(Path file, int pageSize, long page, Random random) throws IOException {
    try (RandomAccessFile data = new RandomAccessFile(file.toFile(), "rw")) {
      long base = (page - 1) * pageSize;
      int header = page == 1 ? 100 : 0;
      data.seek(base + header + 5);
      int contentStart = data.readUnsignedShort();
      if (contentStart == 0 || contentStart > pageSize - 64) {
        contentStart = header + 12;
      }
      int offset = contentStart + random.nextInt(pageSize - 64 - contentStart + 1);
      for (int i = 0; i < 64; i++) {
        data.seek(base + offset + i);
        int value = data.read();
        data.seek(base + offset + i);
        data.write(value ^ (1 + random.nextInt(255)));
      }
    }
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @CsvSource({
    "events, 1",
    "events, 2",
    "events, 3",
    "events, 4",
    "sqlite_autoindex_events_1, 5",
    "runs, 6",
    "runs, 7",
    "runs, 8",
    "sqlite_autoindex_runs_1, 9",
    "runs_by_request, 10",
  })
  void flippedBytesAreReportedNeverReadAsAbsence(String tree, long seed) throws Exception {
    List<String> runIds = fill();
    Random random = new Random(seed);
    List<Long> pages = pagesOf(tree);
    assertThat(pages).as("pages of %s", tree).isNotEmpty();
    long page = pages.get(random.nextInt(pages.size()));
    flip(database(), pageSize(), page, random);

    boolean reported = false;
    SqliteEventStore store = null;
    try {
      store = SqliteEventStore.open(database());
    } catch (StoreCorruptException refused) {
      assertThat(refused.getMessage()).contains("damaged");
      reported = true;
    }
    if (store != null) {
      try {
        reported |= everyRunIsFoundOrReported(store, runIds);
      } finally {
        store.close();
      }
    }
    assertThat(reported).as("the damage to %s page %d was reported", tree, page).isTrue();

    SqliteOfflineCheck.Report report = SqliteOfflineCheck.check(database());
    assertThat(report.damage()).as("offline check of %s page %d", tree, page).isNotEmpty();
    // SQLite's tree numbers are named as the table or index they are.
    assertThat(report.damage()).noneMatch(finding -> finding.startsWith("Tree "));
    assertThat(report.damage()).noneMatch(finding -> finding.startsWith("***"));
    if (report.eventsIntact()) {
      SqliteOfflineCheck.rebuild(database());
      assertThat(SqliteOfflineCheck.check(database()).damage()).isEmpty();
      try (SqliteEventStore rebuilt = SqliteEventStore.open(database())) {
        assertThat(everyRunIsFoundOrReported(rebuilt, runIds)).isFalse();
      }
    } else {
      assertThat(tree).contains("events");
    }
  }

  /**
   * Reads every acknowledged run every way the server does; returns whether damage was reported. An
   * acknowledged run is never absent, and its request id never admits a second run.
   */
  private boolean everyRunIsFoundOrReported(SqliteEventStore store, List<String> runIds) {
    boolean reported = false;
    reported |= reportedOrPasses(() -> store.readAll(0, Integer.MAX_VALUE));
    // The streams' reads, which check the rows without parsing every payload.
    reported |= reportedOrPasses(() -> store.readAllEncoded(0, Integer.MAX_VALUE));
    reported |= reportedOrPasses(store::unfinishedRunIds);
    for (int i = 0; i < runIds.size(); i++) {
      String runId = runIds.get(i);
      String requestId = "request-" + i;
      reported |=
          reportedOrPasses(
              () -> assertThat(store.readRun(runId, 0, Integer.MAX_VALUE)).isNotEmpty());
      reported |=
          reportedOrPasses(
              () -> assertThat(store.readRunEncoded(runId, 0, Integer.MAX_VALUE)).isNotEmpty());
      reported |= reportedOrPasses(() -> assertThat(store.findRun(runId)).isPresent());
      reported |=
          reportedOrPasses(
              () -> assertThat(store.runIdForRequest(requestId)).isEqualTo(Optional.of(runId)));
      Throwable resubmit =
          catchThrowable(
              () -> store.append(List.of(events.submitted(runId + "-again", "x", requestId))));
      assertThat(resubmit).as("a second run for %s", requestId).isNotNull();
      reported |= resubmit instanceof StoreCorruptException;
      if (!(resubmit instanceof StoreCorruptException)) {
        assertThat(resubmit).isInstanceOf(StoreConflictException.class);
      }
    }
    return reported;
  }

  private static boolean reportedOrPasses(Runnable read) {
    try {
      read.run();
      return false;
    } catch (StoreCorruptException damage) {
      return true;
    }
  }

  @Test
  void damageFoundWhileServingMarksTheStoreSoTheNextOpenRefusesUntilChecked() throws Exception {
    fill();
    raw("DROP TRIGGER events_no_update");
    raw("UPDATE events SET payload = x'0a0130' WHERE global_seq = 3");
    List<StoreCorruptException> heard = new ArrayList<>();
    try (SqliteEventStore store = SqliteEventStore.open(database())) {
      store.onCorruption(heard::add);
      assertThatThrownBy(() -> store.readRun("run-0", 0, 100))
          .isInstanceOf(StoreCorruptException.class)
          .hasMessageContaining("global_seq 3");
      assertThat(heard).hasSize(1);
      assertThatThrownBy(() -> store.append(List.of(events.submitted("new", "x"))))
          .isInstanceOf(StoreCorruptException.class);
    }
    assertThatThrownBy(() -> SqliteEventStore.open(database()))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining("found damaged while in use");
    SqliteOfflineCheck.Report report = SqliteOfflineCheck.check(database());
    assertThat(report.damage()).anyMatch(finding -> finding.contains("global_seq 3"));
    assertThat(report.eventsIntact()).isFalse();
    assertThatThrownBy(() -> SqliteOfflineCheck.rebuild(database()))
        .hasMessageContaining("the events themselves are damaged");
  }

  @Test
  void aFileThatIsNotADatabaseIsReportedAsDamage() throws Exception {
    Files.write(database(), "this is not a database, not at all, no".repeat(200).getBytes());
    assertThatThrownBy(() -> SqliteEventStore.open(database()))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining("not a database");
    assertThat(SqliteOfflineCheck.check(database()).damage()).isNotEmpty();
  }
}
