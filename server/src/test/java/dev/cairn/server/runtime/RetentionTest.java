package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.TestEvents;
import dev.cairn.workflow.spec.SpecLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention's batches on a fixed clock: which runs go, which stay, and what goes with them. */
class RetentionTest {
  // TestEvents starts at 2026-01-01T00:00:00Z and moves on by a little for every event.
  private static final Instant BASE = Instant.ofEpochSecond(1_767_225_600L);

  @TempDir Path dataDir;
  @TempDir Path workRoot;

  private final InMemoryEventStore store = new InMemoryEventStore();
  private final TestEvents events = new TestEvents();

  private Retention retention(Instant now, Duration horizon, Duration tombstones) {
    EngineSettings settings = settings();
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return new Retention(
        store,
        new RunRemover(store, settings, clock),
        Optional.of(horizon),
        Optional.of(tombstones),
        clock);
  }

  private EngineSettings settings() {
    return new EngineSettings(
        dataDir,
        workRoot,
        "store",
        4,
        1 << 20,
        Duration.ofSeconds(1),
        new SpecLimits(1 << 20, 100),
        Map.of(),
        Duration.ZERO);
  }

  @Test
  void finishedRunsOlderThanTheHorizonGoWithTheirFilesAndLiveRunsStay() throws Exception {
    store.append(List.of(events.submitted("old", "w"), events.succeeded("old")));
    store.append(List.of(events.submitted("live", "w")));
    Path oldLogs = Files.createDirectories(dataDir.resolve("logs").resolve("old"));
    Files.writeString(oldLogs.resolve("a.1.log"), "output");
    Path oldWork = Files.createDirectories(workRoot.resolve("old").resolve("nested"));
    Files.writeString(oldWork.resolve("file"), "made by a step");
    Path oldOutputs = Files.createDirectories(workRoot.resolve("old.io"));
    Files.writeString(oldOutputs.resolve("a.1.outputs"), "secret=1\n");

    Retention.Batch early =
        retention(BASE.plusSeconds(5), Duration.ofSeconds(10), Duration.ofDays(1)).runBatch();
    assertThat(early.removed()).isZero();
    assertThat(store.findRun("old")).isPresent();

    Retention.Batch due =
        retention(BASE.plus(Duration.ofDays(365)), Duration.ofSeconds(10), Duration.ofDays(1000))
            .runBatch();
    assertThat(due.removed()).isEqualTo(1);
    assertThat(due.longestRemovalNanos()).isPositive().isLessThanOrEqualTo(due.nanos());
    assertThat(store.findRun("old")).isEmpty();
    assertThat(store.findRemovedRun("old").map(RemovedRun::cause))
        .contains(RemovedRun.Cause.RETENTION);
    assertThat(oldLogs).doesNotExist();
    assertThat(workRoot.resolve("old")).doesNotExist();
    assertThat(oldOutputs).as("the outputs and inputs files").doesNotExist();
    assertThat(store.findRun("live")).isPresent();
    assertThat(store.readRun("live", 0, 10)).hasSize(1);
  }

  /** A crash between a removal's commit and its file deletion leaves files; the next start goes. */
  @Test
  void filesLeftByARemovalACrashCutShortAreDeletedAtTheNextStart() throws Exception {
    store.append(List.of(events.submitted("gone", "w"), events.succeeded("gone")));
    store.append(List.of(events.submitted("kept", "w"), events.succeeded("kept")));
    store.removeRun("gone", RemovedRun.Cause.RETENTION, BASE.plusSeconds(60));
    Path goneLogs = Files.createDirectories(dataDir.resolve("logs").resolve("gone"));
    Files.writeString(goneLogs.resolve("a.1.log"), "output");
    Path goneOutputs = Files.createDirectories(workRoot.resolve("gone.io"));
    Path keptLogs = Files.createDirectories(dataDir.resolve("logs").resolve("kept"));
    Path keptOutputs = Files.createDirectories(workRoot.resolve("kept.io"));
    Files.writeString(workRoot.resolve("no-inputs.json"), "{}");

    RunRemover remover = new RunRemover(store, settings(), Clock.fixed(BASE, ZoneOffset.UTC));

    assertThat(remover.removeLeftovers()).isEqualTo(1);
    assertThat(goneLogs).doesNotExist();
    assertThat(goneOutputs).doesNotExist();
    assertThat(keptLogs).exists();
    assertThat(keptOutputs).exists();
    assertThat(workRoot.resolve("no-inputs.json")).exists();
  }

  @Test
  void aBatchTakesAtMostItsShareAndTheRestFollowsInTheNext() {
    for (int run = 0; run < Retention.BATCH_RUNS + 5; run++) {
      store.append(List.of(events.submitted("run-" + run, "w"), events.failed("run-" + run)));
    }
    Retention retention =
        retention(BASE.plus(Duration.ofDays(1)), Duration.ofSeconds(1), Duration.ofDays(1000));

    assertThat(retention.runBatch().removed()).isEqualTo(Retention.BATCH_RUNS);
    assertThat(retention.runBatch().removed()).isEqualTo(5);
    assertThat(retention.runBatch().removed()).isZero();
    // Those that ended first went first.
    assertThat(store.findRemovedRun("run-0")).isPresent();
  }

  @Test
  void tombstonesAreForgottenAfterTheirOwnHorizon() {
    store.append(List.of(events.submitted("old", "w"), events.succeeded("old")));
    Instant removedAt = BASE.plus(Duration.ofDays(2));
    retention(removedAt, Duration.ofDays(1), Duration.ofDays(7)).runBatch();
    assertThat(store.findRemovedRun("old")).isPresent();

    Retention.Batch later =
        retention(removedAt.plus(Duration.ofDays(8)), Duration.ofDays(1), Duration.ofDays(7))
            .runBatch();

    assertThat(later.forgotten()).isEqualTo(1);
    assertThat(store.findRemovedRun("old")).isEmpty();
    assertThat(store.lastGlobalSeq()).isEqualTo(2);
  }

  @Test
  void theLookingPeriodIsATenthOfTheShorterHorizonWithinBounds() {
    assertThat(Retention.period(Optional.of(Duration.ofSeconds(2)), Optional.empty()))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(
            Retention.period(Optional.of(Duration.ofMinutes(5)), Optional.of(Duration.ofDays(30))))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(Retention.period(Optional.of(Duration.ofDays(30)), Optional.empty()))
        .isEqualTo(Duration.ofMinutes(1));
  }
}
