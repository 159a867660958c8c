package dev.cairn.cli.render;

import com.google.protobuf.Duration;

/** Short durations for people: {@code 350ms}, {@code 1.2s}, {@code 2m03s}, {@code 1h05m}. */
public final class HumanDuration {
  private HumanDuration() {}

  /** Formats a protobuf duration. */
  public static String format(Duration duration) {
    return format(java.time.Duration.ofSeconds(duration.getSeconds(), duration.getNanos()));
  }

  /** Formats a Java duration; negative values print as zero. */
  public static String format(java.time.Duration duration) {
    long millis = Math.max(0, duration.toMillis());
    if (millis < 1_000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(java.util.Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(java.util.Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }
}
