package dev.cairn.server.runtime;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreConflictException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Removes finished runs that ended longer ago than the horizon, on a thread of its own, in small
 * batches: each run in its own short store transaction, so the engine's appends wait at most one
 * run's removal between two of their commits, never a whole batch. After each batch the store gives
 * some of the freed space back to the file system.
 */
public final class Retention implements AutoCloseable {
  /** Runs one batch removes at most; the next batch follows at once while more are due. */
  static final int BATCH_RUNS = 32;

  private static final Logger LOG = Logger.getLogger(Retention.class);

  private final EventStore store;
  private final RunRemover remover;
  private final Optional<Duration> horizon;
  private final Optional<Duration> tombstones;
  private final Clock clock;
  private final ScheduledExecutorService thread;

  /**
   * What one batch did: runs removed, tombstones forgotten, the batch's time, and the longest
   * single removal (the longest the engine's appends could have waited for it).
   */
  public record Batch(int removed, int forgotten, long nanos, long longestRemovalNanos) {}

  /**
   * @param horizon how long finished runs are kept after they ended; empty keeps them for ever
   * @param tombstones how long a removed run's tombstone is kept; empty keeps them for ever
   */
  public Retention(
      EventStore store,
      RunRemover remover,
      Optional<Duration> horizon,
      Optional<Duration> tombstones,
      Clock clock) {
    this.store = store;
    this.remover = remover;
    this.horizon = horizon;
    this.tombstones = tombstones;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread daemon = new Thread(task, "cairn-retention");
              daemon.setDaemon(true);
              daemon.setPriority(Thread.MIN_PRIORITY);
              return daemon;
            });
  }

  /**
   * How often retention looks for expired runs: a tenth of the shorter horizon, within 1 s to 1
   * min.
   */
  static Duration period(Optional<Duration> horizon, Optional<Duration> tombstones) {
    long shortest =
        Math.min(
            horizon.map(Duration::toMillis).orElse(Long.MAX_VALUE),
            tombstones.map(Duration::toMillis).orElse(Long.MAX_VALUE));
    return Duration.ofMillis(Math.max(1000, Math.min(60_000, shortest / 10)));
  }

  /** Whether there is anything to do: some horizon is set. */
  public boolean enabled() {
    return horizon.isPresent() || tombstones.isPresent();
  }

  /**
   * Deletes, once, the files a crash left of removed runs; then looks for expired runs every {@link
   * #period}, when a horizon is set.
   */
  public void start() {
    thread.execute(remover::removeLeftovers);
    if (!enabled()) {
      return;
    }
    long millis = period(horizon, tombstones).toMillis();
    thread.scheduleWithFixedDelay(this::runDue, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void runDue() {
    try {
      // Servers sharing a database take turns: one removes while the others skip this period.
      store.exclusively("retention", this::removeWhileDue);
    } catch (RuntimeException e) {
      // A failed store write stops the engine on its own path; here the next period tries again.
      LOG.warnf("retention could not remove runs: %s", e.getMessage());
    }
  }

  private void removeWhileDue() {
    Batch batch;
    do {
      batch = runBatch();
      if (batch.removed() > 0 || batch.forgotten() > 0) {
        LOG.infof(
            "retention removed %d runs and forgot %d tombstones in %.1f ms (longest removal"
                + " %.1f ms)",
            Integer.valueOf(batch.removed()),
            Integer.valueOf(batch.forgotten()),
            Double.valueOf(batch.nanos() / 1e6),
            Double.valueOf(batch.longestRemovalNanos() / 1e6));
      }
    } while ((batch.removed() == BATCH_RUNS || batch.forgotten() == BATCH_RUNS)
        && !thread.isShutdown());
  }

  /**
   * Removes at most {@link #BATCH_RUNS} runs that ended before now minus the horizon, and forgets
   * at most as many tombstones older than theirs.
   */
  public Batch runBatch() {
    long began = System.nanoTime();
    long longest = 0;
    int removed = 0;
    List<String> due =
        horizon.isEmpty()
            ? List.of()
            : store.runsEndedBefore(clock.instant().minus(horizon.get()), BATCH_RUNS);
    for (String runId : due) {
      long one = System.nanoTime();
      try {
        if (remover.expire(runId).isPresent()) {
          removed++;
        }
      } catch (StoreConflictException e) {
        // Not expected for a run found ended, but a conflict only skips this run.
        LOG.warnf("retention skipped run %s: %s", runId, e.getMessage());
      }
      longest = Math.max(longest, System.nanoTime() - one);
    }
    int forgotten =
        tombstones.isEmpty()
            ? 0
            : store.forgetRemovedRuns(clock.instant().minus(tombstones.get()), BATCH_RUNS);
    if (removed > 0 || forgotten > 0) {
      store.reclaimSpace();
    }
    return new Batch(removed, forgotten, System.nanoTime() - began, longest);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
