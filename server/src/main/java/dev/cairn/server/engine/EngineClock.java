package dev.cairn.server.engine;

import java.time.Instant;

/**
 * The one source of time for the engine. Event times and timer due times are wall-clock instants;
 * tests substitute a settable clock so decisions are reproducible.
 */
@FunctionalInterface
public interface EngineClock {
  /** The current instant. */
  Instant now();

  /** The system wall clock. */
  static EngineClock system() {
    return Instant::now;
  }
}
