package dev.cairn.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.TestEvents;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written before row checksums (schema version 2) opens: the migration computes the
 * checksum of every existing row, reads verify them, and the events table stays append-only.
 */
class SchemaMigrationTest {
  @TempDir Path dir;

  private final TestEvents events = new TestEvents();

  private static String script(String name) throws IOException {
    try (InputStream in = SchemaMigrationTest.class.getResourceAsStream("/db/migration/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aStoreFromBeforeChecksumsGetsThemAndStaysAppendOnly() throws Exception {
    Path database = dir.resolve("cairn.db");
    Event submitted =
        events.submitted("old-run", "legacy", "old-request").toBuilder().setGlobalSeq(1).build();
    Event started = events.stepStarted("old-run", "build").toBuilder().setGlobalSeq(2).build();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(script("V1__events.sql"));
      statement.executeUpdate(script("V2__runs.sql"));
      statement.executeUpdate("PRAGMA user_version = 2");
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO events (global_seq, run_id, run_seq, type, time_us, payload)"
                  + " VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Event event : List.of(submitted, started)) {
          insert.setLong(1, event.getGlobalSeq());
          insert.setString(2, event.getRunId());
          insert.setLong(3, event.getRunSeq());
          insert.setString(4, event.getPayloadCase().name());
          insert.setLong(5, EpochMicros.of(event.getTime()));
          insert.setBytes(6, event.toByteArray());
          insert.executeUpdate();
        }
      }
      statement.executeUpdate(
          "INSERT INTO runs (run_id, name, status, create_time_us, end_time_us, request_id,"
              + " submit_seq) VALUES ('old-run', 'legacy', 1, "
              + EpochMicros.of(submitted.getTime())
              + ", NULL, 'old-request', 1)");
    }

    try (SqliteEventStore store = SqliteEventStore.open(database)) {
      assertThat(store.readRun("old-run", 0, 10)).containsExactly(submitted, started);
      assertThat(store.findRun("old-run").orElseThrow().getStatus())
          .isEqualTo(RunStatus.RUN_STATUS_RUNNING);
      assertThat(store.runIdForRequest("old-request")).contains("old-run");
      store.append(List.of(events.succeeded("old-run")));
      assertThat(store.findRun("old-run").orElseThrow().getStatus())
          .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    }
    assertThat(SqliteOfflineCheck.check(database).damage()).isEmpty();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeUpdate("UPDATE events SET crc = 0"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM events"))
          .hasMessageContaining("append-only");
    }
  }
}
