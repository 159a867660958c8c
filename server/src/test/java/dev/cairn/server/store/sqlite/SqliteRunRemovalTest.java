package dev.cairn.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only SQLite shows of run removal: the offline check takes the gaps removals leave for what
 * they are, and a new file gives the pages of removed runs back to the file system.
 */
class SqliteRunRemovalTest {
  @TempDir Path dir;

  private final TestEvents events = new TestEvents();

  @Test
  void theOfflineCheckFindsNoDamageInTheGapsOfRemovedRuns() {
    Path file = dir.resolve("cairn.db");
    try (SqliteEventStore store = SqliteEventStore.open(file)) {
      for (String run : List.of("run-a", "run-b", "run-c")) {
        store.append(List.of(events.submitted(run, "w"), events.succeeded(run)));
      }
      store.removeRun("run-b", RemovedRun.Cause.DELETE, Instant.now());
      store.removeRun("run-c", RemovedRun.Cause.RETENTION, Instant.now());
    }

    SqliteOfflineCheck.Report report = SqliteOfflineCheck.check(file);

    assertThat(report.damage()).isEmpty();
    assertThat(report.events()).isEqualTo(2);
  }

  @Test
  void removedRunsGiveTheirPagesBackToTheFileSystem() throws Exception {
    Path file = dir.resolve("cairn.db");
    List<String> runs = new ArrayList<>();
    String padding = "x".repeat(4000);
    try (SqliteEventStore store = SqliteEventStore.open(file)) {
      for (int run = 0; run < 300; run++) {
        String runId = "run-" + run;
        runs.add(runId);
        store.append(List.of(events.submitted(runId, padding), events.succeeded(runId)));
      }
    }
    // Closing the last connection folds the write-ahead log into the file.
    long full = Files.size(file);

    try (SqliteEventStore store = SqliteEventStore.open(file)) {
      for (String runId : runs) {
        store.removeRun(runId, RemovedRun.Cause.RETENTION, Instant.now());
      }
      for (int step = 0; step < 20; step++) {
        store.reclaimSpace();
      }
    }
    long after = Files.size(file);

    assertThat(full).isGreaterThan(1_000_000);
    assertThat(after).as("bytes after removal, of %s before", full).isLessThan(full / 4);
  }
}
