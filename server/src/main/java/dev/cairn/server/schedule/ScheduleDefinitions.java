package dev.cairn.server.schedule;

import dev.cairn.server.engine.Times;
import dev.cairn.v1.ScheduleDefinition;
import dev.cairn.workflow.spec.InvalidSpecException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * Checks what a schedule is created with, before anything is recorded, and reads a recorded
 * definition back. Every problem is an {@link InvalidSpecException} (INVALID_ARGUMENT) naming the
 * field, with one line saying what is wrong.
 */
public final class ScheduleDefinitions {
  /** Ids as step ids are: safe in a file name, a URL and a request id. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** The catch-up window when the creator sets none. */
  public static final Duration DEFAULT_CATCH_UP_WINDOW = Duration.ofMinutes(1);

  /** The longest catch-up window: a year of downtime is not caught up. */
  public static final Duration MAX_CATCH_UP_WINDOW = Duration.ofDays(366);

  private static final int MAX_CRON_CHARS = 256;
  private static final int MAX_ZONE_CHARS = 64;

  private ScheduleDefinitions() {}

  /**
   * A definition's parts as the scheduler uses them.
   *
   * @param cron the parsed expression in its zone
   * @param overlap the overlap policy
   * @param catchUpWindow the catch-up window
   */
  public record Parsed(CronSchedule cron, OverlapPolicy overlap, Duration catchUpWindow) {}

  /**
   * Checks a definition about to be created (its spec, parameters and labels are the engine's to
   * check) and returns it with its defaults filled in: time zone UTC, overlap SKIP, catch-up window
   * {@link #DEFAULT_CATCH_UP_WINDOW}.
   *
   * @param now the time of creation: the expression must name a time after it
   */
  public static ScheduleDefinition checked(
      ScheduleDefinition definition, boolean windowSet, Instant now) {
    String id = definition.getScheduleId();
    if (!ID.matcher(id).matches()) {
      throw invalid(
          "INVALID_SCHEDULE_ID",
          "schedule_id",
          "schedule id '"
              + shortened(id)
              + "' is not valid: use 1 to 128 of the characters A-Z a-z 0-9 . _ -");
    }
    ScheduleDefinition.Builder filled = definition.toBuilder();
    if (filled.getTimeZone().isEmpty()) {
      filled.setTimeZone("UTC");
    }
    if (filled.getOverlapPolicyValue() == 0) {
      filled.setOverlapPolicy(dev.cairn.v1.OverlapPolicy.OVERLAP_POLICY_SKIP);
    }
    if (!windowSet) {
      filled.setCatchUpWindow(Times.duration(DEFAULT_CATCH_UP_WINDOW));
    }
    ScheduleDefinition result = filled.build();
    Parsed parsed = parse(result);
    if (parsed.catchUpWindow().isNegative()
        || parsed.catchUpWindow().compareTo(MAX_CATCH_UP_WINDOW) > 0) {
      throw invalid(
          "INVALID_CATCH_UP_WINDOW",
          "catch_up_window",
          "catch-up window "
              + parsed.catchUpWindow()
              + " is not valid: use 0 (none) up to "
              + MAX_CATCH_UP_WINDOW.toDays()
              + " days");
    }
    if (parsed.cron().next(now).isEmpty()) {
      throw invalid(
          "INVALID_CRON",
          "cron",
          "cron expression '"
              + result.getCron()
              + "' names no time after now: it would never fire");
    }
    return result;
  }

  /** Reads a definition: its cron expression, zone, overlap policy and catch-up window. */
  public static Parsed parse(ScheduleDefinition definition) {
    String cronText = definition.getCron();
    if (cronText.isBlank()) {
      throw invalid(
          "INVALID_CRON", "cron", "cron expression is empty: give one, such as '0 3 * * *'");
    }
    if (cronText.length() > MAX_CRON_CHARS) {
      throw invalid(
          "INVALID_CRON",
          "cron",
          "cron expression is "
              + cronText.length()
              + " characters; the limit is "
              + MAX_CRON_CHARS);
    }
    ZoneId zone = zone(definition.getTimeZone().isEmpty() ? "UTC" : definition.getTimeZone());
    CronSchedule cron;
    try {
      cron = CronSchedule.parse(cronText, zone);
    } catch (IllegalArgumentException e) {
      throw invalid("INVALID_CRON", "cron", e.getMessage());
    }
    return new Parsed(
        cron,
        overlap(definition.getOverlapPolicy()),
        Times.duration(definition.getCatchUpWindow()));
  }

  private static ZoneId zone(String name) {
    if (name.length() > MAX_ZONE_CHARS) {
      throw invalid(
          "UNKNOWN_TIME_ZONE",
          "time_zone",
          "time zone is " + name.length() + " characters; the limit is " + MAX_ZONE_CHARS);
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw invalid(
          "UNKNOWN_TIME_ZONE",
          "time_zone",
          "unknown time zone '"
              + name
              + "': use an IANA name such as Europe/Berlin, America/New_York or UTC");
    }
  }

  /** The policy a protobuf value names. */
  public static OverlapPolicy overlap(dev.cairn.v1.OverlapPolicy policy) {
    return switch (policy) {
      case OVERLAP_POLICY_UNSPECIFIED, OVERLAP_POLICY_SKIP -> OverlapPolicy.SKIP;
      case OVERLAP_POLICY_BUFFER_ONE -> OverlapPolicy.BUFFER_ONE;
      case OVERLAP_POLICY_ALLOW_ALL -> OverlapPolicy.ALLOW_ALL;
      case OVERLAP_POLICY_CANCEL_PREVIOUS -> OverlapPolicy.CANCEL_PREVIOUS;
      case UNRECOGNIZED ->
          throw invalid(
              "INVALID_OVERLAP_POLICY",
              "overlap_policy",
              "unknown overlap policy: use SKIP, BUFFER_ONE, ALLOW_ALL or CANCEL_PREVIOUS");
    };
  }

  private static String shortened(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  private static InvalidSpecException invalid(String reason, String field, String message) {
    return new InvalidSpecException(reason, field, message);
  }
}
