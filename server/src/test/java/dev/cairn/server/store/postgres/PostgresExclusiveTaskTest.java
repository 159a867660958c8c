package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStores;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance that must run on one server at a time (retention): two stores on one database, as two
 * servers have, never run the same task at once, and each runs it once the other is done.
 */
class PostgresExclusiveTaskTest {
  private static PostgresTestDatabases databases;

  @TempDir Path dir;
  private EventStore first;
  private EventStore second;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

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
      second.close();
    }
  }

  @Test
  void aTaskRunningOnOneServerIsSkippedOnTheOtherAndRunsThereOnceItEnded() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Boolean> held =
        threads.submit(
            () ->
                first.exclusively(
                    "retention",
                    () -> {
                      holding.countDown();
                      awaitQuietly(release);
                    }));
    assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
    AtomicInteger ranOnSecond = new AtomicInteger();

    assertThat(second.exclusively("retention", ranOnSecond::incrementAndGet)).isFalse();
    // Another task is not held by this one.
    assertThat(second.exclusively("schedules", ranOnSecond::incrementAndGet)).isTrue();
    assertThat(ranOnSecond).hasValue(1);

    release.countDown();
    assertThat(held.get(20, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exclusively("retention", ranOnSecond::incrementAndGet)).isTrue();
    assertThat(ranOnSecond).hasValue(2);
  }

  @Test
  void aTaskThatFailsReleasesItsLock() {
    try {
      first.exclusively(
          "retention",
          () -> {
            throw new IllegalStateException("the work failed");
          });
    } catch (IllegalStateException expected) {
      // The failure reaches the caller; the lock must not outlive it.
    }
    AtomicInteger ran = new AtomicInteger();
    assertThat(second.exclusively("retention", ran::incrementAndGet)).isTrue();
    assertThat(ran).hasValue(1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
