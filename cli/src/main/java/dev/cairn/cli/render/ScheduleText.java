package dev.cairn.cli.render;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.GetScheduleResponse;
import dev.cairn.v1.Schedule;
import dev.cairn.v1.ScheduleDefinition;
import dev.cairn.v1.ScheduleFiringsNotRun;
import dev.cairn.v1.ScheduledRun;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** Schedules as people read them: a summary, a description, and the rows of the list. */
public final class ScheduleText {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ScheduleText() {}

  /** The lines of a schedule's summary: when it fires, how, and its next time. */
  public static List<String> summary(Schedule schedule, ZoneId zone) {
    ScheduleDefinition definition = schedule.getDefinition();
    List<String> lines = new ArrayList<>();
    lines.add("  workflow:  " + definition.getSpec().getName());
    lines.add("  cron:      " + definition.getCron() + " (" + definition.getTimeZone() + ")");
    lines.add("  overlap:   " + overlap(definition));
    lines.add("  catch-up:  " + HumanDuration.format(definition.getCatchUpWindow()));
    if (definition.getParamsCount() > 0) {
      lines.add("  params:    " + pairs(definition.getParamsMap()));
    }
    if (definition.getLabelsCount() > 0) {
      lines.add("  labels:    " + pairs(definition.getLabelsMap()));
    }
    lines.add("  state:     " + (schedule.getPaused() ? "paused" : "active"));
    if (schedule.getNextNominalTimesCount() > 0) {
      lines.add("  next:      " + time(schedule.getNextNominalTimes(0), zone));
    }
    return lines;
  }

  /** The lines of {@code cairn schedule describe}. */
  public static List<String> describe(GetScheduleResponse response, ZoneId zone) {
    Schedule schedule = response.getSchedule();
    List<String> lines = new ArrayList<>();
    lines.add("schedule " + schedule.getDefinition().getScheduleId());
    lines.addAll(summary(schedule, zone));
    if (schedule.hasLastNominalTime()) {
      lines.add("  last:      " + time(schedule.getLastNominalTime(), zone));
    }
    if (response.hasBufferedNominalTime()) {
      lines.add("  buffered:  " + time(response.getBufferedNominalTime(), zone));
    }
    lines.add("");
    lines.add("next firings (times in " + zone.getId() + "):");
    if (schedule.getNextNominalTimesCount() == 0) {
      lines.add("  none" + (schedule.getPaused() ? " while paused" : ""));
    }
    schedule.getNextNominalTimesList().forEach(next -> lines.add("  " + time(next, zone)));
    lines.add("");
    lines.add("recent runs:");
    if (response.getRecentRunsCount() == 0) {
      lines.add("  none");
    } else {
      TextTable table = new TextTable("NOMINAL TIME", "RUN", "STATUS", "");
      for (ScheduledRun run : response.getRecentRunsList()) {
        table.row(
            time(run.getNominalTime(), zone),
            run.getRunId(),
            run.getStatusValue() == 0 ? "removed" : Names.of(run.getStatus()),
            run.getManual() ? "triggered" : "");
      }
      table.lines().forEach(line -> lines.add("  " + line.stripTrailing()));
    }
    if (response.getRecentNotRunCount() > 0) {
      lines.add("");
      lines.add("recent times that started no run:");
      for (ScheduleFiringsNotRun range : response.getRecentNotRunList()) {
        lines.add("  " + notRun(range, zone));
      }
    }
    return lines;
  }

  /** One line for a range of times that started no run. */
  static String notRun(ScheduleFiringsNotRun range, ZoneId zone) {
    String why =
        switch (range.getReason()) {
          case NOT_RUN_REASON_MISSED -> "missed (older than the catch-up window)";
          case NOT_RUN_REASON_OVERLAP -> "skipped (the previous run had not ended)";
          case NOT_RUN_REASON_SUBMIT_FAILED -> "not submitted: " + range.getMessage();
          default -> "not run";
        };
    String times =
        range.getCount() == 1
            ? time(range.getFirstNominalTime(), zone)
            : time(range.getFirstNominalTime(), zone)
                + " .. "
                + time(range.getLastNominalTime(), zone)
                + " ("
                + range.getCount()
                + " times)";
    return times + ": " + why;
  }

  /** A row of {@code cairn schedule list}. */
  public static String[] row(Schedule schedule, ZoneId zone) {
    ScheduleDefinition definition = schedule.getDefinition();
    return new String[] {
      definition.getScheduleId(),
      definition.getCron(),
      definition.getTimeZone(),
      schedule.getPaused() ? "paused" : "active",
      schedule.getNextNominalTimesCount() > 0 ? time(schedule.getNextNominalTimes(0), zone) : "-",
      definition.getSpec().getName()
    };
  }

  static String overlap(ScheduleDefinition definition) {
    return definition
        .getOverlapPolicy()
        .name()
        .replace("OVERLAP_POLICY_", "")
        .toLowerCase(Locale.ROOT)
        .replace('_', '-');
  }

  private static String pairs(java.util.Map<String, String> map) {
    List<String> pairs = new ArrayList<>();
    new TreeMap<>(map).forEach((key, value) -> pairs.add(key + "=" + value));
    return String.join(",", pairs);
  }

  private static String time(Timestamp timestamp, ZoneId zone) {
    return TIME.withZone(zone)
        .format(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
  }
}
