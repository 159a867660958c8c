package dev.cairn.cli.render;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.Attempt;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.Run;
import dev.cairn.v1.StepRun;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The text of {@code cairn status}: a line about the run, then every attempt of every step. */
public final class RunText {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private RunText() {}

  /** The lines for {@code run}. */
  public static List<String> lines(Run run, ZoneId zone) {
    List<String> lines = new ArrayList<>();
    StringBuilder head =
        new StringBuilder("run ")
            .append(run.getRunId())
            .append("  ")
            .append(run.getName())
            .append("  ")
            .append(Names.of(run.getStatus()).toUpperCase(java.util.Locale.ROOT))
            .append("  submitted ")
            .append(time(run.getCreateTime(), zone));
    if (run.hasEndTime()) {
      head.append("  ended ").append(time(run.getEndTime(), zone));
    }
    lines.add(head.toString());
    TextTable table = new TextTable("STEP", "STATUS", "ATTEMPT", "EXIT", "DURATION", "DETAIL");
    for (StepRun step : run.getStepsList()) {
      if (step.getAttemptsCount() == 0) {
        String detail =
            step.getSkipCauseStepId().isEmpty() ? "" : "after " + step.getSkipCauseStepId();
        table.row(step.getStepId(), Names.of(step.getStatus()), "-", "", "", detail);
        continue;
      }
      for (int index = 0; index < step.getAttemptsCount(); index++) {
        Attempt attempt = step.getAttempts(index);
        boolean last = index == step.getAttemptsCount() - 1;
        // Earlier attempts all ended in failure, else the step would not have been retried.
        String status = last ? Names.of(step.getStatus()) : "failed";
        table.row(
            index == 0 ? step.getStepId() : "",
            status,
            Integer.toString(attempt.getNumber()),
            exit(attempt),
            attempt.hasDuration() ? HumanDuration.format(attempt.getDuration()) : "",
            detail(attempt));
      }
    }
    lines.addAll(table.lines());
    return lines;
  }

  private static String exit(Attempt attempt) {
    if (!attempt.getFinished()) {
      return "";
    }
    boolean exited =
        attempt.getFailureReason() == FailureReason.FAILURE_REASON_UNSPECIFIED
            || attempt.getFailureReason() == FailureReason.FAILURE_REASON_EXIT_CODE;
    return exited ? Integer.toString(attempt.getExitCode()) : "";
  }

  private static String detail(Attempt attempt) {
    if (attempt.getFailureReason() == FailureReason.FAILURE_REASON_UNSPECIFIED) {
      return attempt.getFinished() ? "" : "running (pid " + attempt.getPid() + ")";
    }
    String reason = Names.of(attempt.getFailureReason());
    return attempt.getMessage().isEmpty() ? reason : reason + ": " + attempt.getMessage();
  }

  static String time(Timestamp timestamp, ZoneId zone) {
    if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
      return "-";
    }
    return TIME.withZone(zone).format(EventText.instant(timestamp));
  }
}
