package dev.cairn.cli.render;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.Attempt;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.Run;
import dev.cairn.v1.StepRun;
import dev.cairn.v1.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code cairn status}: a line about the run, then every attempt of every step, then
 * the retry policies in force. It says what the log says: a running attempt's elapsed time, a
 * stopped attempt's exit or signal and output, and the cancel's reason.
 */
public final class RunText {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private RunText() {}

  /** The lines for {@code run}, with elapsed times of running attempts measured to {@code now}. */
  public static List<String> lines(Run run, ZoneId zone, Instant now) {
    List<String> lines = new ArrayList<>();
    StringBuilder head =
        new StringBuilder("run ")
            .append(run.getRunId())
            .append("  ")
            .append(run.getName())
            .append("  ")
            .append(Names.of(run.getStatus()).toUpperCase(Locale.ROOT))
            .append("  submitted ")
            .append(time(run.getCreateTime(), zone));
    if (run.hasEndTime()) {
      head.append("  ended ").append(time(run.getEndTime(), zone));
    }
    lines.add(head.toString());
    if (!run.getCancelPrincipal().isEmpty() || !run.getCancelReason().isEmpty()) {
      lines.add("cancel requested: " + cancelWhy(run));
    }
    if (run.getFailureReason() == FailureReason.FAILURE_REASON_TIMEOUT) {
      lines.add("failed: the run timed out (deadline " + time(run.getDeadline(), zone) + ")");
    } else if (run.hasDeadline()) {
      lines.add("deadline " + time(run.getDeadline(), zone));
    }
    if (!run.getScheduleId().isEmpty()) {
      lines.add(
          "started by schedule "
              + run.getScheduleId()
              + " for "
              + time(run.getNominalTime(), zone));
    }
    if (!run.getRerunOf().isEmpty()) {
      lines.add("rerun of " + run.getRerunOf());
    }
    if (run.getRerunRunIdsCount() > 0) {
      lines.add("rerun by " + String.join(", ", run.getRerunRunIdsList()));
    }
    if (run.getParamsCount() > 0) {
      lines.add("params: " + pairs(run.getParamsMap()));
    }
    if (run.getLabelsCount() > 0) {
      lines.add("labels: " + pairs(run.getLabelsMap()));
    }
    TextTable table =
        new TextTable("STEP", "STATUS", "ATTEMPT", "EXIT", "DURATION", "OUTPUT", "DETAIL");
    for (StepRun step : run.getStepsList()) {
      if (step.getAttemptsCount() == 0) {
        String detail =
            step.getSkipCauseStepId().isEmpty() ? "" : "after " + step.getSkipCauseStepId();
        if (step.getSkipReason() == dev.cairn.v1.SkipReason.SKIP_REASON_NO_UPSTREAM_FAILED) {
          detail = "no upstream step failed (run_if: any_failed)";
        }
        if (!step.getCarriedFromRunId().isEmpty()) {
          detail =
              (detail.isEmpty() ? "" : detail + "; ") + "kept from " + step.getCarriedFromRunId();
        }
        if (step.getStatus() == StepStatus.STEP_STATUS_CANCELLED) {
          detail = "cancelled before it started";
        }
        table.row(step.getStepId(), Names.of(step.getStatus()), "-", "", "", "", detail);
        continue;
      }
      for (int index = 0; index < step.getAttemptsCount(); index++) {
        Attempt attempt = step.getAttempts(index);
        boolean last = index == step.getAttemptsCount() - 1;
        // Earlier attempts all ended in failure, else the step would not have been retried.
        StepStatus status = last ? step.getStatus() : StepStatus.STEP_STATUS_FAILED;
        table.row(
            index == 0 ? step.getStepId() : "",
            Names.of(status),
            Integer.toString(attempt.getNumber()),
            exit(attempt),
            duration(attempt, now),
            attempt.hasStartTime() ? bytes(attempt.getOutputBytes()) : "",
            kept(
                detail(attempt, status == StepStatus.STEP_STATUS_CANCELLED, run),
                last ? step.getCarriedFromRunId() : ""));
      }
    }
    lines.addAll(table.lines());
    for (StepRun step : run.getStepsList()) {
      new java.util.TreeMap<>(step.getOutputsMap())
          .forEach(
              (key, value) ->
                  lines.add("output " + step.getStepId() + "." + key + " = " + oneLine(value)));
    }
    for (StepRun step : run.getStepsList()) {
      if (step.hasEffectiveRetry() && step.getEffectiveRetry().getMaxAttempts() > 1) {
        lines.add("retry " + step.getStepId() + ": " + retry(step.getEffectiveRetry()));
      }
    }
    return lines;
  }

  /** The exit as recorded: an exit code, or the signal that ended the process. */
  private static String exit(Attempt attempt) {
    if (!attempt.getFinished()
        || attempt.getFailureReason() == FailureReason.FAILURE_REASON_SPAWN_ERROR) {
      return "";
    }
    if (attempt.getSignal() != 0) {
      return "signal " + attempt.getSignal();
    }
    FailureReason reason = attempt.getFailureReason();
    boolean exited =
        reason == FailureReason.FAILURE_REASON_UNSPECIFIED
            || reason == FailureReason.FAILURE_REASON_EXIT_CODE;
    return exited ? Integer.toString(attempt.getExitCode()) : "";
  }

  private static String duration(Attempt attempt, Instant now) {
    if (attempt.hasDuration()) {
      return HumanDuration.format(attempt.getDuration());
    }
    if (!attempt.getFinished() && attempt.hasStartTime()) {
      Duration elapsed = Duration.between(EventText.instant(attempt.getStartTime()), now);
      return HumanDuration.format(elapsed.isNegative() ? Duration.ZERO : elapsed);
    }
    return "";
  }

  private static String detail(Attempt attempt, boolean cancelled, Run run) {
    if (cancelled) {
      return "cancelled: " + cancelWhy(run);
    }
    if (attempt.getFailureReason() == FailureReason.FAILURE_REASON_UNSPECIFIED) {
      return attempt.getFinished() ? "" : "running (pid " + attempt.getPid() + ")";
    }
    return EventText.failure(
        attempt.getFailureReason(),
        attempt.getExitCode(),
        attempt.getSignal(),
        attempt.getMessage());
  }

  private static String kept(String detail, String carriedFrom) {
    if (carriedFrom.isEmpty()) {
      return detail;
    }
    return (detail.isEmpty() ? "" : detail + "; ") + "kept from " + carriedFrom;
  }

  private static String pairs(java.util.Map<String, String> values) {
    List<String> pairs = new ArrayList<>();
    new java.util.TreeMap<>(values).forEach((key, value) -> pairs.add(key + "=" + oneLine(value)));
    return String.join(" ", pairs);
  }

  /** A value on one line: line breaks shown as \n, as a shell would print them quoted. */
  private static String oneLine(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** Why a run's steps were cancelled: the cancel's reason, or the fail-fast that stopped it. */
  private static String cancelWhy(Run run) {
    if (run.getFailureReason() == FailureReason.FAILURE_REASON_TIMEOUT) {
      return "the run timed out";
    }
    if (run.getCancelPrincipal().isEmpty() && run.getCancelReason().isEmpty()) {
      return "the run failed fast";
    }
    String reason = run.getCancelReason().isEmpty() ? "no reason given" : run.getCancelReason();
    return run.getCancelPrincipal().isEmpty()
        ? reason
        : reason + " (by " + run.getCancelPrincipal() + ")";
  }

  static String retry(RetryPolicy policy) {
    StringBuilder text =
        new StringBuilder()
            .append(policy.getMaxAttempts())
            .append(" attempts, backoff ")
            .append(HumanDuration.format(policy.getInitialBackoff()))
            .append(" x")
            .append(policy.getMultiplier())
            .append(" up to ")
            .append(HumanDuration.format(policy.getMaxBackoff()));
    if (policy.getJitter() != 0) {
      text.append(", jitter ").append(policy.getJitter());
    }
    if (policy.getRetryOnExitCodesCount() > 0) {
      text.append(", only on exit codes ").append(policy.getRetryOnExitCodesList());
    }
    return text.toString();
  }

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  static String time(Timestamp timestamp, ZoneId zone) {
    if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
      return "-";
    }
    return TIME.withZone(zone).format(EventText.instant(timestamp));
  }
}
