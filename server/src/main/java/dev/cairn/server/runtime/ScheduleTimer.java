package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The schedules' timer: one thread of its own that, once the engine has recovered, calls {@link
 * Schedules#tick} when the next nominal time comes on the engine's clock, and again after every
 * change a command makes. It never runs on the engine thread: a firing waits for the engine there,
 * and the engine does not wait for it.
 */
public final class ScheduleTimer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScheduleTimer.class);

  /** How long to wait before trying again after a pass that failed. */
  static final Duration RETRY = Duration.ofSeconds(1);

  /** Blocks until the engine has recovered and takes work; false if it never will. */
  @FunctionalInterface
  public interface Readiness {
    boolean await() throws InterruptedException;
  }

  private final Schedules schedules;
  private final EngineClock clock;
  private final ScheduledExecutorService thread;
  private ScheduledFuture<?> next;
  private volatile boolean started;

  public ScheduleTimer(Schedules schedules, EngineClock clock) {
    this.schedules = schedules;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread named = new Thread(runnable, "cairn-schedules");
              named.setDaemon(true);
              return named;
            });
    schedules.onChange(this::wake);
  }

  /** Starts firing once the engine is ready: after recovery, so no firing races it. */
  public void start(Readiness readiness) {
    thread.execute(
        () -> {
          try {
            if (!readiness.await()) {
              return;
            }
          } catch (InterruptedException e) {
            return;
          }
          started = true;
          pass();
        });
  }

  /** Looks again now: a command changed a schedule. */
  void wake() {
    if (started && !thread.isShutdown()) {
      thread.execute(this::pass);
    }
  }

  private void pass() {
    Duration delay;
    try {
      Instant wake = schedules.tick();
      delay = Duration.between(clock.now(), wake);
    } catch (RuntimeException e) {
      LOG.warnf("a schedule could not fire now, trying again in a second: %s", e.getMessage());
      delay = RETRY;
    }
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    synchronized (this) {
      if (next != null) {
        next.cancel(false);
      }
      if (!thread.isShutdown()) {
        // A millisecond past the nominal time: the thread's clock and the engine's may differ
        // by less than that, and a pass that wakes early finds nothing due.
        next = thread.schedule(this::pass, delay.toMillis() + 1, TimeUnit.MILLISECONDS);
      }
    }
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
