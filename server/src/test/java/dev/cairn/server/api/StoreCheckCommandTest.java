package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.sqlite.SqliteEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline check command on real store files: its report and its exit status. */
class StoreCheckCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String... args) {
    return StoreCheckCommand.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSoundStoreChecksCleanAndATamperedProjectionIsNamedThenRebuilt() throws Exception {
    Path data = dir.resolve("data");
    try (DataDirectory directory = DataDirectory.open(java.util.Optional.of(data.toString()));
        SqliteEventStore store = SqliteEventStore.open(data.resolve("cairn.db"))) {
      assertThat(store.readAll(0, 1)).isEmpty();
    }
    assertThat(check("--data-dir", data.toString())).isEqualTo(StoreCheckCommand.SOUND);
    assertThat(output()).contains("no damage found");

    // A projection row that no event explains.
    try (Connection connection =
            DriverManager.getConnection("jdbc:sqlite:" + data.resolve("cairn.db"));
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO runs (run_id, name, status, create_time_us, request_id, submit_seq, crc)"
              + " VALUES ('ghost', 'w', 1, 0, NULL, 7, 0)");
    }
    assertThat(check("--data-dir", data.toString())).isEqualTo(StoreCheckCommand.DAMAGED);
    assertThat(output()).contains("damage: ").contains("ghost").contains("--rebuild-projection");

    out.reset();
    assertThat(check("--data-dir", data.toString(), "--rebuild-projection"))
        .isEqualTo(StoreCheckCommand.SOUND);
    assertThat(output()).contains("rebuilt ").contains("the damaged file is kept as");
    out.reset();
    assertThat(check("--data-dir=" + data)).isEqualTo(StoreCheckCommand.SOUND);
  }

  @Test
  void aDirectoryWithoutAStoreCannotBeChecked() {
    assertThat(check("--data-dir", dir.resolve("none").toString()))
        .isEqualTo(StoreCheckCommand.CANNOT_CHECK);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("there is no event store");
  }
}
