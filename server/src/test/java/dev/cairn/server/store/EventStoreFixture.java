package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every store contract test needs: a store opened in a temporary directory, a way around it
 * through plain JDBC, and helpers to submit and list runs. Adapters extend {@link
 * EventStoreContractTest}.
 */
public abstract class EventStoreFixture {

  protected static final int ALL = 100_000;

  @TempDir protected Path dir;

  protected EventStore store;
  protected final TestEvents events = new TestEvents();

  /** Opens the store kept in the directory, creating it when the directory is empty. */
  protected abstract EventStore openStore(Path dir);

  /** A plain JDBC connection to the store's database that bypasses the store. */
  protected abstract Connection openRawConnection(Path dir) throws SQLException;

  @BeforeEach
  void openTheStore() {
    store = openStore(dir);
  }

  @AfterEach
  void closeTheStore() {
    // Null when opening was skipped (an adapter whose database is not available here).
    if (store != null) {
      store.close();
    }
  }

  protected void reopen() {
    store.close();
    store = openStore(dir);
  }

  /**
   * Whether the store keeps its data where plain SQL reaches it ({@link #openRawConnection}); a
   * store in memory has no "behind its back" to test.
   */
  protected boolean hasRawAccess() {
    return true;
  }

  /**
   * Spoils the runs projection behind the store's back: every row loses its status, end time and
   * request id, and the row of {@code runToDrop} goes.
   */
  protected void damageProjection(String runToDrop) throws SQLException {
    executeRaw("UPDATE runs SET status = 0, end_time_us = NULL, request_id = NULL");
    executeRaw("DELETE FROM runs WHERE run_id = '" + runToDrop + "'");
  }

  protected void executeRaw(String sql) throws SQLException {
    try (Connection connection = openRawConnection(dir);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  protected RunStatus statusOf(String runId) {
    return store.findRun(runId).orElseThrow().getStatus();
  }

  protected List<String> listIds(RunQuery query) {
    return store.listRuns(query).runs().stream().map(RunSummary::getRunId).toList();
  }

  protected List<RunSummary> listAll() {
    RunPage page = store.listRuns(RunQuery.firstPage(RunQuery.MAX_PAGE_SIZE));
    assertThat(page.nextPageToken()).isEmpty();
    return page.runs();
  }

  /** Submits runs named prefix0, prefix1... in one batch, oldest first, and returns their ids. */
  protected List<String> submitRuns(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
      batch.add(events.submitted(prefix + i, "w"));
    }
    store.append(batch);
    return ids;
  }
}
