package dev.cairn.server.engine;

import java.time.Duration;

/** Formats durations the way users write them in workflow files: 1.5s, 2m, 1h30m. */
public final class Durations {
  private Durations() {}

  public static String format(Duration duration) {
    if (duration == null) {
      return "none";
    }
    long millis = duration.toMillis();
    if (millis == 0 && !duration.isZero()) {
      // A timeout of 1ns was reported as "timed out after 0ms".
      long nanos = duration.toNanos();
      return nanos % 1000 == 0 ? nanos / 1000 + "µs" : nanos + "ns";
    }
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return (millis % 1000 == 0) ? (millis / 1000) + "s" : String.format("%.3gs", millis / 1000.0);
    }
    long seconds = duration.toSeconds();
    StringBuilder text = new StringBuilder();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      text.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 != 0) {
      text.append(seconds % 60).append('s');
    }
    return text.toString();
  }
}
