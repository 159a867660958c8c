package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.TestEvents;
import dev.cairn.v1.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stores on one database, as two servers have: their appends interleave, and the log they write
 * together is still one gap-free sequence in commit order, with conflicts decided on what is
 * committed.
 */
class PostgresTwoWritersTest {
  private static final int ALL = 100_000;

  private static PostgresTestDatabases databases;

  @TempDir Path dir;
  private EventStore first;
  private EventStore second;
  private final TestEvents events = new TestEvents();
  private final ExecutorService threads = Executors.newFixedThreadPool(5);

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

  @BeforeEach
  void openTwoStoresOnOneDatabase() {
    PostgresTestDatabases.assumeGiven(databases);
    String url = databases.create();
    first = EventStores.open(EventStores.parse(url), dir);
    second = EventStores.open(EventStores.parse(url), dir);
  }

  @AfterEach
  void close() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
  }

  @Test
  void concurrentWritersShareOneGapFreeSequenceThatAWatcherFollowsInCommitOrder() throws Exception {
    int runsPerWriter = 60;
    // Built up front on this thread: TestEvents is not thread-safe.
    List<List<List<Event>>> batchesOfWriter = new ArrayList<>();
    for (int writer = 0; writer < 4; writer++) {
      List<List<Event>> batches = new ArrayList<>();
      for (int run = 0; run < runsPerWriter; run++) {
        String runId = "w" + writer + "-run-" + run;
        batches.add(List.of(events.submitted(runId, "w")));
        batches.add(List.of(events.stepStarted(runId, "a"), events.stepStarted(runId, "b")));
        batches.add(List.of(events.succeeded(runId)));
      }
      batchesOfWriter.add(batches);
    }
    long total = 4L * runsPerWriter * 4;

    // The watcher resumes after the last global_seq it saw, as WatchEvents does: a sequence
    // number committed before a lower one would show as a gap, which readAll reports as damage.
    Future<List<Event>> watcher =
        threads.submit(
            () -> {
              List<Event> seen = new ArrayList<>();
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
              while (seen.size() < total && System.nanoTime() < deadline) {
                long after = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).getGlobalSeq();
                seen.addAll(first.readAll(after, 50));
              }
              return seen;
            });
    List<Future<List<Event>>> writers = new ArrayList<>();
    for (int writer = 0; writer < 4; writer++) {
      EventStore store = writer % 2 == 0 ? first : second;
      List<List<Event>> batches = batchesOfWriter.get(writer);
      writers.add(
          threads.submit(
              () -> {
                List<Event> stored = new ArrayList<>();
                for (List<Event> batch : batches) {
                  List<Event> appended = store.append(batch);
                  // A batch gets consecutive numbers, whatever the other writers do.
                  assertThat(appended)
                      .extracting(Event::getGlobalSeq)
                      .containsExactlyElementsOf(
                          LongStream.range(0, batch.size())
                              .mapToObj(i -> appended.get(0).getGlobalSeq() + i)
                              .toList());
                  stored.addAll(appended);
                }
                return stored;
              }));
    }
    Set<Long> acknowledged = new HashSet<>();
    for (Future<List<Event>> writer : writers) {
      writer.get(60, TimeUnit.SECONDS).forEach(event -> acknowledged.add(event.getGlobalSeq()));
    }
    List<Event> seen = watcher.get(60, TimeUnit.SECONDS);

    List<Long> everySeq = LongStream.rangeClosed(1, total).boxed().toList();
    assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(everySeq);
    assertThat(seen).extracting(Event::getGlobalSeq).containsExactlyElementsOf(everySeq);
    assertThat(second.readAll(0, ALL)).containsExactlyElementsOf(seen);
    assertThat(first.lastGlobalSeq()).isEqualTo(total);
    assertThat(second.lastGlobalSeq()).isEqualTo(total);
    // Every batch was one commit of its own, whichever store wrote it.
    assertThat(first.stats().commits() + second.stats().commits())
        .isEqualTo(4L * runsPerWriter * 3);
  }

  @Test
  void oneServerFiresSchedulesUntilItsConnectionEnds() throws InterruptedException {
    assertThat(first.scheduleLog().leadsFiring()).isTrue();
    assertThat(second.scheduleLog().leadsFiring()).isFalse();
    assertThat(first.scheduleLog().leadsFiring()).isTrue();

    first.close();
    first = null;
    // The server ends the closed session, and drops its lock, a moment after the client left.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!second.scheduleLog().leadsFiring()) {
      assertThat(System.nanoTime() - deadline).as("the lock passed on in time").isNegative();
      Thread.sleep(20);
    }
  }

  @Test
  void anAppendThatNoLongerContinuesTheRunBecauseTheOtherWriterWasFirstIsRefused() {
    first.append(List.of(events.submitted("run-a", "w")));
    Event fromFirst = events.stepStarted("run-a", "s");
    Event fromSecond = TestEvents.at(events.stepStarted("run-a", "t"), 2);
    first.append(List.of(fromFirst));

    assertThatThrownBy(() -> second.append(List.of(fromSecond)))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("run_seq 2")
        .hasMessageContaining("is 3");
    // The refused writer stays usable and continues the run from what is committed.
    assertThat(second.append(List.of(TestEvents.at(fromSecond, 3))))
        .extracting(Event::getGlobalSeq)
        .containsExactly(3L);
  }

  @Test
  void racingWritersOfTheSameRunSeqOrRequestIdNeverBothWin() throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    for (int round = 0; round < 20; round++) {
      String runA = "run-a" + round;
      String runB = "run-b" + round;
      List<Event> submitA = List.of(events.submitted(runA, "w", "req-" + round));
      List<Event> submitB = List.of(events.submitted(runB, "w", "req-" + round));
      Future<Boolean> firstWon = threads.submit(raced(start, first, submitA));
      Future<Boolean> secondWon = threads.submit(raced(start, second, submitB));
      assertThat(firstWon.get(20, TimeUnit.SECONDS) ^ secondWon.get(20, TimeUnit.SECONDS))
          .as("exactly one submit of request req-%d wins", round)
          .isTrue();
      String winner = first.runIdForRequest("req-" + round).orElseThrow();
      assertThat(winner).isIn(runA, runB);

      List<Event> stepA = List.of(events.stepStarted(winner, "x"));
      List<Event> stepB = List.of(TestEvents.at(stepA.get(0), stepA.get(0).getRunSeq()));
      firstWon = threads.submit(raced(start, first, stepA));
      secondWon = threads.submit(raced(start, second, stepB));
      assertThat(firstWon.get(20, TimeUnit.SECONDS) ^ secondWon.get(20, TimeUnit.SECONDS))
          .as("exactly one append of run_seq 2 of %s wins", winner)
          .isTrue();
    }
    List<Event> log = first.readAll(0, ALL);
    assertThat(log)
        .extracting(Event::getGlobalSeq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
  }

  /** Appends once both racers are ready; true if the append won, false if it was refused. */
  private static Callable<Boolean> raced(CyclicBarrier start, EventStore store, List<Event> batch) {
    return () -> {
      start.await(20, TimeUnit.SECONDS);
      try {
        store.append(batch);
        return true;
      } catch (StoreConflictException refused) {
        return false;
      }
    };
  }
}
