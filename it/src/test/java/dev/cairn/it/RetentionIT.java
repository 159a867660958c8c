package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.rpc.ErrorInfo;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WatchEventsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention with a horizon of two seconds on a real server while runs are submitted continuously
 * (two minutes; {@code -Dcairn.it.retention-seconds=600} for the soak of bench/RESULTS.md):
 * finished runs, their events and their output go; running runs stay; a watcher resuming from a
 * removed sequence is told where it can resume; submits are not held up; the files stop growing;
 * and outside the removal path the events table still refuses DELETE and UPDATE.
 */
class RetentionIT {
  private static final long SOAK_SECONDS = Long.getLong("cairn.it.retention-seconds", 120);

  @TempDir Path dataDir;

  @Test
  void expiredRunsGoWhileRunningRunsAndSubmitsAreUntouched() throws Exception {
    List<Long> submitNanos = Collections.synchronizedList(new ArrayList<>());
    try (ServerProcess server =
        ServerProcess.start(dataDir, "-Dcairn.retention=2s", "-Dcairn.retention-tombstones=8s")) {
      Runs runs = new Runs(server);
      String first = runs.submit(workflow("retention-first", shell("say", "echo kept-for-now")));
      List<Event> firstEvents = runs.follow(first);
      Path firstLogs = dataDir.resolve("logs").resolve(first);
      assertThat(firstLogs).isDirectory();
      String running = runs.submit(workflow("retention-live", shell("wait", "sleep 100000")));
      runs.awaitStatus(
          running,
          run -> run.getSteps(0).getStatus() == StepStatus.STEP_STATUS_RUNNING,
          Duration.ofSeconds(30));

      // The first run goes within the horizon and a period, and GetRun says it was removed.
      StatusRuntimeException removed = awaitRemoved(server, first);
      assertThat(removed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      ErrorInfo removedInfo = ErrorInfos.of(removed);
      assertThat(removedInfo.getReason()).isEqualTo("RUN_REMOVED");
      assertThat(removedInfo.getMetadataMap()).containsEntry("removed_by", "retention");
      assertThat(removed.getStatus().getDescription()).contains("was removed at");
      assertThat(firstLogs).doesNotExist();

      // Submits go on the whole time, each timed, while batches of removal run beside them.
      Instant soakEnd = Instant.now().plusSeconds(SOAK_SECONDS);
      List<String> sizes = new ArrayList<>();
      List<Long> keptRuns = new ArrayList<>();
      List<Long> databaseBytes = new ArrayList<>();
      int submitted = 0;
      while (Instant.now().isBefore(soakEnd)) {
        long began = System.nanoTime();
        server
            .stub()
            .submitRun(
                SubmitRunRequest.newBuilder()
                    .setSpec(workflow("retention-load", shell("a", "echo load")))
                    .build());
        submitNanos.add(System.nanoTime() - began);
        submitted++;
        if (submitted % 50 == 0) {
          keptRuns.add(countRuns(server));
          databaseBytes.add(size(dataDir.resolve("cairn.db")));
          sizes.add(
              String.format(
                  Locale.ROOT,
                  "| %d s | %,d | %,d | %d | %d |",
                  SOAK_SECONDS - Duration.between(Instant.now(), soakEnd).toSeconds(),
                  size(dataDir.resolve("cairn.db")),
                  size(dataDir.resolve("cairn.db-wal")),
                  countEntries(dataDir.resolve("logs")),
                  keptRuns.get(keptRuns.size() - 1)));
        }
        ServerProcess.pause(20);
      }
      SoakReport.write(SOAK_SECONDS, submitted, sizes);

      // Its tombstone was forgotten 8 s after the removal: the id is unknown now.
      StatusRuntimeException unknown =
          (StatusRuntimeException)
              catchThrowable(
                  () -> server.stub().getRun(GetRunRequest.newBuilder().setRunId(first).build()));
      assertThat(ErrorInfos.of(unknown).getReason()).isEqualTo("RUN_NOT_FOUND");

      // The running run is untouched, and the oldest kept event is its first.
      assertThat(runs.get(running).getStatus()).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
      List<Event> kept = new ArrayList<>();
      server
          .stub()
          .watchEvents(WatchEventsRequest.newBuilder().setRunId(running).build())
          .forEachRemaining(response -> kept.add(response.getEvent()));
      long runningFirstSeq = kept.get(0).getGlobalSeq();

      // A watcher resuming inside the removed run's events is refused with where it can resume.
      long removedSeq = firstEvents.get(0).getGlobalSeq();
      assertThatThrownBy(
              () ->
                  server
                      .stub()
                      .watchEvents(WatchEventsRequest.newBuilder().setAfterSeq(removedSeq).build())
                      .hasNext())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              refused -> {
                assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
                ErrorInfo info = ErrorInfos.of(refused);
                assertThat(info.getReason()).isEqualTo("EVENTS_REMOVED");
                assertThat(info.getMetadataMap())
                    .containsEntry("earliest_after_seq", Long.toString(runningFirstSeq - 1));
                assertThat(refused.getStatus().getDescription())
                    .contains("earliest after_seq to resume from is " + (runningFirstSeq - 1));
              });
      // Resuming where it was told reads on from the oldest kept event.
      Event resumed =
          server
              .stub()
              .watchEvents(WatchEventsRequest.newBuilder().setAfterSeq(runningFirstSeq - 1).build())
              .next()
              .getEvent();
      assertThat(resumed.getGlobalSeq()).isEqualTo(runningFirstSeq);

      // The database file stops growing: removed runs' pages are reused or given back. Its size at
      // the end is within a quarter of its size half-way through.
      long halfWay = databaseBytes.get(databaseBytes.size() / 2);
      assertThat(databaseBytes.get(databaseBytes.size() - 1))
          .as("database bytes over time: %s", databaseBytes)
          .isLessThanOrEqualTo(halfWay + halfWay / 4);
      // Bounded: the runs kept are those of the last few seconds, not all submitted.
      assertThat(keptRuns.get(keptRuns.size() - 1)).isLessThan(submitted / 2);
      assertThat(countEntries(dataDir.resolve("logs"))).isLessThan(submitted / 2);

      List<Long> sorted = new ArrayList<>(submitNanos);
      Collections.sort(sorted);
      long p50 = sorted.get(sorted.size() / 2);
      long p99 = sorted.get(sorted.size() * 99 / 100);
      long max = sorted.get(sorted.size() - 1);
      System.out.printf(
          "submit while retention runs: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          p50 / 1e6, p99 / 1e6, max / 1e6);
      server
          .logText()
          .lines()
          .filter(line -> line.contains("retention removed"))
          .limit(5)
          .forEach(line -> System.out.println("  " + line));
      assertThat(max)
          .as("no submit waited on retention for long")
          .isLessThan(TimeUnit.SECONDS.toNanos(2));

      server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(running).build());
      runs.awaitStatus(running, Runs::terminal, Duration.ofSeconds(30));
    }

    // Outside the removal path, plain SQL still cannot delete or change an event.
    try (Connection raw =
            DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
        Statement statement = raw.createStatement()) {
      for (String tamper : List.of("DELETE FROM events", "UPDATE events SET type = 'x'")) {
        assertThatThrownBy(() -> statement.executeUpdate(tamper))
            .as(tamper)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
    }
  }

  /** Polls GetRun until it fails (the run was removed), within 30 s, and returns the failure. */
  private static StatusRuntimeException awaitRemoved(ServerProcess server, String runId) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      Throwable failure =
          catchThrowable(
              () -> server.stub().getRun(GetRunRequest.newBuilder().setRunId(runId).build()));
      if (failure != null) {
        return (StatusRuntimeException) failure;
      }
      ServerProcess.pause(100);
    }
    throw new AssertionError("run " + runId + " was not removed within 30 s");
  }

  private static long countRuns(ServerProcess server) {
    long count = 0;
    String token = "";
    do {
      var page =
          server
              .stub()
              .listRuns(ListRunsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      count += page.getRunsCount();
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return count;
  }

  private static long size(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private static long countEntries(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    }
  }
}
