package dev.cairn.server.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Timers that fire only when the test says: {@link #fireDue} runs those due by then, in order. */
final class ManualTimers implements Timers {
  private record Timer(Instant when, long order, Runnable action) {}

  private final List<Timer> timers = new ArrayList<>();
  private long scheduled;

  @Override
  public void schedule(Instant when, Runnable action) {
    timers.add(new Timer(when, scheduled++, action));
  }

  /** Runs every timer due at {@code now}, earliest first; returns how many ran. */
  int fireDue(Instant now) {
    List<Timer> due =
        timers.stream()
            .filter(timer -> !timer.when().isAfter(now))
            .sorted(Comparator.comparing(Timer::when).thenComparingLong(Timer::order))
            .toList();
    timers.removeAll(due);
    due.forEach(timer -> timer.action().run());
    return due.size();
  }

  /** When each waiting timer falls due. */
  List<Instant> waiting() {
    return timers.stream().map(Timer::when).sorted().toList();
  }

  @Override
  public void close() {
    timers.clear();
  }
}
