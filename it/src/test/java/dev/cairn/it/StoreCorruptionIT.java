package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.SubmitRunRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bytes flipped in a stopped server's database, in a page of the runs projection, of its request_id
 * index or of the events: the packaged server refuses to start in one line, or serves without ever
 * answering NOT_FOUND for a run it acknowledged nor making a second run for a request id it holds
 * (damage found then stops it); the offline check names the damage and exits 1.
 */
class StoreCorruptionIT {
  private static final int RUNS = 20;

  @TempDir Path work;

  @ParameterizedTest(name = "{0} seed {1}")
  @CsvSource({"runs, 11", "runs_by_request, 12", "events, 13"})
  void aDamagedStoreFailsClosed(String tree, long seed) throws Exception {
    Path data = work.resolve("data");
    List<String> runIds = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(data)) {
      for (int i = 0; i < RUNS; i++) {
        runIds.add(
            server
                .stub()
                .submitRun(
                    SubmitRunRequest.newBuilder()
                        .setSpec(Specs.workflow("w" + i, Specs.shell("a", "true")))
                        .setRequestId("request-" + i)
                        .build())
                .getRunId());
      }
    }
    Path database = data.resolve("cairn.db");
    flipInto(database, tree, new Random(seed));

    boolean refused;
    try (ServerProcess server = ServerProcess.start(data)) {
      refused = false;
      for (int i = 0; i < RUNS; i++) {
        String runId = runIds.get(i);
        try {
          server.stub().getRun(GetRunRequest.newBuilder().setRunId(runId).build());
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode())
              .as("GetRun %s", runId)
              .isNotEqualTo(Status.Code.NOT_FOUND);
        }
        try {
          String again =
              server
                  .stub()
                  .submitRun(
                      SubmitRunRequest.newBuilder()
                          .setSpec(Specs.workflow("w" + i, Specs.shell("a", "true")))
                          .setRequestId("request-" + i)
                          .build())
                  .getRunId();
          assertThat(again).as("resubmitting request-%d", i).isEqualTo(runId);
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK);
        }
      }
    } catch (IllegalStateException exited) {
      refused = true;
      assertThat(exited.getMessage()).contains("is damaged").doesNotContain("\tat ");
    }

    Process check =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("cairn.server.jar"),
                "check",
                "--data-dir",
                data.toString())
            .redirectErrorStream(true)
            .start();
    String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(report).isEqualTo(1);
    assertThat(report).contains("damage: ");
    if (!tree.equals("events")) {
      // Damage to the projection or its indexes is refused at open.
      assertThat(refused).as(report).isTrue();
    }
  }

  /** VACUUM (no free space left in pages), then XOR 64 bytes inside a page of the tree. */
  private static void flipInto(Path database, String tree, Random random) throws Exception {
    List<Long> pages = new ArrayList<>();
    int pageSize;
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM");
      try (ResultSet rows =
          statement.executeQuery("SELECT pageno FROM dbstat WHERE name = '" + tree + "'")) {
        while (rows.next()) {
          pages.add(rows.getLong(1));
        }
      }
      try (ResultSet row = statement.executeQuery("PRAGMA page_size")) {
        row.next();
        pageSize = row.getInt(1);
      }
    }
    assertThat(pages).isNotEmpty();
    long page = pages.get(random.nextInt(pages.size()));
    try (RandomAccessFile file = new RandomAccessFile(database.toFile(), "rw")) {
      long base = (page - 1) * pageSize;
      file.seek(base + 5);
      int contentStart = file.readUnsignedShort();
      int offset = contentStart + random.nextInt(Math.max(1, pageSize - 64 - contentStart));
      for (int i = 0; i < 64; i++) {
        file.seek(base + offset + i);
        int value = file.read();
        file.seek(base + offset + i);
        file.write(value ^ (1 + random.nextInt(255)));
      }
    }
  }
}
