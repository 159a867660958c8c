package dev.cairn.server.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A retention setting ({@code cairn.retention}, ...): a horizon, or {@code forever}. */
final class RetentionSetting {
  static final String FOREVER = "forever";

  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  private RetentionSetting() {}

  /**
   * The horizon, or empty for {@code forever}.
   *
   * @throws IllegalArgumentException naming the setting for a value that is not a positive duration
   */
  static Optional<Duration> parse(String name, String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (text.equals(FOREVER)) {
      return Optional.empty();
    }
    Duration horizon = duration(text, name, value);
    if (horizon.isNegative() || horizon.isZero()) {
      throw invalid(name, value);
    }
    return Optional.of(horizon);
  }

  private static Duration duration(String text, String name, String value) {
    Matcher match = SHORT.matcher(text);
    if (match.matches()) {
      long amount = Long.parseLong(match.group(1));
      return switch (match.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw invalid(name, value);
    }
  }

  private static IllegalArgumentException invalid(String name, String value) {
    return new IllegalArgumentException(
        name
            + " must be a positive duration such as 30d, 12h or 90s, or forever; got '"
            + value
            + "'");
  }
}
