package dev.cairn.server.runtime;

import java.time.Instant;

/**
 * Runs an action at an instant of the engine's clock: deadlines, retries falling due, the pause
 * after a full disk. {@link ScheduledTimers} in the server; tests fire due timers by hand.
 */
interface Timers extends AutoCloseable {
  /** Runs {@code action} once, at {@code when} or as soon after it as possible. */
  void schedule(Instant when, Runnable action);

  /** Drops every timer not yet run. */
  @Override
  void close();
}
