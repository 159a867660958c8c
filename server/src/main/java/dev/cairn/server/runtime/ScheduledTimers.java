package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Timers on one daemon thread, which also runs the stray sweeper. */
final class ScheduledTimers implements Timers {
  private final EngineClock clock;
  private final ScheduledThreadPoolExecutor executor;

  ScheduledTimers(EngineClock clock) {
    this.clock = clock;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "cairn-timers");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void schedule(Instant when, Runnable action) {
    long delay = Math.max(0, Duration.between(clock.now(), when).toNanos());
    executor.schedule(action, delay, TimeUnit.NANOSECONDS);
  }

  /** The executor, for periodic work off the engine thread (the stray sweep). */
  ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
