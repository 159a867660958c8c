package dev.cairn.server.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A cron expression in a time zone, and the nominal times it names. Parsing and the arithmetic of
 * times and zones are cron-utils' and java.time's, never our own.
 *
 * <p>Five fields are Unix cron ({@code minute hour day-of-month month day-of-week}); six put
 * seconds first (Spring's form), for schedules that fire more often than once a minute.
 *
 * <p>Daylight-saving changes, as cron-utils computes them in a named zone (and as {@code
 * CronScheduleTest} pins): a wall-clock time that does not exist on the day of a spring-forward
 * change does not fire that day (02:30 on a day that jumps from 02:00 to 03:00 is skipped, and the
 * next firing is 02:30 the day after; an hourly schedule has one firing fewer); a wall-clock time
 * inside the repeated hour of a fall-back change fires once, at its first occurrence (the earlier
 * offset). A schedule that must fire every day whatever the zone does should use UTC.
 */
public final class CronSchedule {
  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime times;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
    this.expression = expression;
    this.zone = zone;
    this.times = times;
  }

  /**
   * Parses the expression for the zone.
   *
   * @throws IllegalArgumentException naming the expression and what is wrong with it
   */
  public static CronSchedule parse(String expression, ZoneId zone) {
    String trimmed = expression.trim();
    int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    CronType type;
    if (fields == 5) {
      type = CronType.UNIX;
    } else if (fields == 6) {
      type = CronType.SPRING53;
    } else {
      throw new IllegalArgumentException(
          "cron expression '"
              + expression
              + "' has "
              + fields
              + " fields; use 5 (minute hour day month weekday) or 6 (seconds first)");
    }
    Cron cron;
    try {
      cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(trimmed);
      cron.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cron expression '" + expression + "' is not valid: " + e.getMessage(), e);
    }
    return new CronSchedule(trimmed, zone, ExecutionTime.forCron(cron));
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first nominal time strictly after the instant, if the expression names one. */
  public Optional<Instant> next(Instant after) {
    // Whole seconds: the library keeps the fraction of the time it starts from, so a schedule
    // created at 10:00:07.4 would otherwise fire at 10:00:08.4, 10:00:09.4 and so on.
    return times
        .nextExecution(ZonedDateTime.ofInstant(after, zone))
        .map(next -> next.toInstant().truncatedTo(ChronoUnit.SECONDS));
  }
}
