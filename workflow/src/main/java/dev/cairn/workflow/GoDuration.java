package dev.cairn.workflow;

import com.google.protobuf.Duration;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written the way Go writes them ({@code 500ms}, {@code 1.5s}, {@code 1h30m}) or
 * as a bare number of seconds ({@code 30}, {@code 0.25}).
 */
public final class GoDuration {
  private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d*)?|\\.\\d+");
  private static final Pattern TERM =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final Map<String, BigDecimal> NANOS_PER_UNIT =
      Map.of(
          "ns", BigDecimal.ONE,
          "us", BigDecimal.valueOf(1_000L),
          "µs", BigDecimal.valueOf(1_000L),
          "μs", BigDecimal.valueOf(1_000L),
          "ms", BigDecimal.valueOf(1_000_000L),
          "s", BigDecimal.valueOf(1_000_000_000L),
          "m", BigDecimal.valueOf(60_000_000_000L),
          "h", BigDecimal.valueOf(3_600_000_000_000L));
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  // The largest value google.protobuf.Duration allows (about 10,000 years).
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(315_576_000_000L);

  private GoDuration() {}

  /**
   * Parses {@code text}; empty when it is not a duration (negative values included, since no policy
   * of a workflow takes one).
   */
  public static Optional<Duration> parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal nanos;
    if (NUMBER.matcher(trimmed).matches()) {
      nanos = new BigDecimal(trimmed).multiply(NANOS_PER_SECOND);
    } else {
      nanos = BigDecimal.ZERO;
      Matcher term = TERM.matcher(trimmed);
      int position = 0;
      while (position < trimmed.length()) {
        if (!term.find(position) || term.start() != position) {
          return Optional.empty();
        }
        nanos =
            nanos.add(new BigDecimal(term.group(1)).multiply(NANOS_PER_UNIT.get(term.group(2))));
        position = term.end();
      }
    }
    BigDecimal[] secondsAndNanos =
        nanos.setScale(0, RoundingMode.HALF_EVEN).divideAndRemainder(NANOS_PER_SECOND);
    if (secondsAndNanos[0].compareTo(MAX_SECONDS) > 0) {
      return Optional.empty();
    }
    return Optional.of(
        Duration.newBuilder()
            .setSeconds(secondsAndNanos[0].longValueExact())
            .setNanos(secondsAndNanos[1].intValueExact())
            .build());
  }
}
