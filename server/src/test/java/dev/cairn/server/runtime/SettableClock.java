package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when the test moves it. */
final class SettableClock implements EngineClock {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public Instant now() {
    return now;
  }

  void advance(Duration by) {
    now = now.plus(by);
  }
}
