package dev.cairn.cli.render;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live table of a followed run: one row per step (status, attempt, duration, note), folded from
 * the run's events as they arrive.
 */
public final class StepTable {
  /** One step's row; replaced as a whole on each event. */
  record Row(StepStatus status, int attempt, Instant started, Duration duration, String note) {
    Row with(StepStatus status, int attempt, Instant started, Duration duration, String note) {
      return new Row(status, attempt, started, duration, note);
    }
  }

  private final Map<String, Row> rows = new LinkedHashMap<>();
  private RunStatus runStatus = RunStatus.RUN_STATUS_RUNNING;
  private String runName = "";
  // When the run ended, by the server's clock; durations stop counting there.
  private Instant endedAt;
  // What the title says about the connection while it is lost; empty while all is well.
  private String connection = "";

  /** Folds one event into the table. */
  public void apply(Event event) {
    Instant time = EventText.instant(event.getTime());
    switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> {
        runName = event.getRunSubmitted().getSpec().getName();
        for (StepSpec step : event.getRunSubmitted().getSpec().getStepsList()) {
          rows.putIfAbsent(
              step.getId(), new Row(StepStatus.STEP_STATUS_PENDING, 0, null, null, ""));
        }
        // A rerun's kept steps start out with their earlier results and see no event of their own.
        for (var carried : event.getRunSubmitted().getCarriedStepsList()) {
          var attempts = carried.getAttemptsList();
          var last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
          rows.put(
              carried.getStepId(),
              new Row(
                  carried.getStatus(),
                  last == null ? 0 : last.getNumber(),
                  null,
                  last == null || !last.hasDuration() ? null : java(last.getDuration()),
                  "kept from " + carried.getFromRunId()));
        }
      }
      case STEP_STARTED -> {
        var started = event.getStepStarted();
        update(
            started.getStepId(),
            StepStatus.STEP_STATUS_RUNNING,
            started.getAttempt(),
            time,
            null,
            "pid " + started.getPid());
      }
      case STEP_SUCCEEDED -> {
        var succeeded = event.getStepSucceeded();
        update(
            succeeded.getStepId(),
            StepStatus.STEP_STATUS_SUCCEEDED,
            succeeded.getAttempt(),
            null,
            java(succeeded.getDuration()),
            "");
      }
      case STEP_FAILED -> {
        var failed = event.getStepFailed();
        update(
            failed.getStepId(),
            StepStatus.STEP_STATUS_FAILED,
            failed.getAttempt(),
            null,
            // A lost attempt's time is not known (the server was gone when it ended).
            failed.getReason() == FailureReason.FAILURE_REASON_LOST
                ? null
                : java(failed.getDuration()),
            EventText.failure(failed));
      }
      case STEP_RETRY_SCHEDULED -> {
        var retry = event.getStepRetryScheduled();
        Row row = row(retry.getStepId());
        update(
            retry.getStepId(),
            StepStatus.STEP_STATUS_RETRY_WAIT,
            row.attempt(),
            null,
            row.duration(),
            row.note() + "; retry in " + HumanDuration.format(retry.getBackoff()));
      }
      case STEP_SKIPPED -> {
        var skipped = event.getStepSkipped();
        update(
            skipped.getStepId(),
            StepStatus.STEP_STATUS_SKIPPED,
            0,
            null,
            null,
            skipped.getCauseStepId().isEmpty() ? "" : "after " + skipped.getCauseStepId());
      }
      case STEP_CANCELLED -> {
        var cancelled = event.getStepCancelled();
        Row row = row(cancelled.getStepId());
        Duration ran =
            row.started() == null ? row.duration() : Duration.between(row.started(), time);
        update(
            cancelled.getStepId(), StepStatus.STEP_STATUS_CANCELLED, row.attempt(), null, ran, "");
      }
      case STEP_TIMED_OUT -> {
        var timedOut = event.getStepTimedOut();
        Row row = row(timedOut.getStepId());
        update(
            timedOut.getStepId(),
            row.status(),
            row.attempt(),
            row.started(),
            row.duration(),
            "timed out after " + HumanDuration.format(timedOut.getTimeout()));
      }
      case RUN_CANCEL_REQUESTED -> runStatus = RunStatus.RUN_STATUS_CANCELLING;
      case RUN_SUCCEEDED -> {
        runStatus = RunStatus.RUN_STATUS_SUCCEEDED;
        endedAt = time;
      }
      case RUN_FAILED -> {
        runStatus = RunStatus.RUN_STATUS_FAILED;
        endedAt = time;
      }
      case RUN_CANCELLED -> {
        runStatus = RunStatus.RUN_STATUS_CANCELLED;
        endedAt = time;
      }
      case PAYLOAD_NOT_SET -> {
        // A kind of event this client does not know changes nothing it can show.
      }
    }
  }

  /**
   * Sets what the title line says about the connection, such as "connection lost, reconnecting
   * (attempt 3)..."; empty clears it. It stands in the title so that a redraw keeps it in view
   * rather than erasing a line printed beside the table.
   */
  public void connection(String note) {
    connection = note;
  }

  /** The run's status as far as the events seen tell. */
  public RunStatus runStatus() {
    return runStatus;
  }

  /**
   * The table's lines: a title, then a header and one row per step. A running attempt's duration is
   * its time so far at {@code now}, or until the run's end once it has ended.
   */
  public List<String> lines(Instant now) {
    Instant until = endedAt != null ? endedAt : now;
    TextTable table = new TextTable("STEP", "STATUS", "ATTEMPT", "DURATION", "NOTE");
    for (Map.Entry<String, Row> entry : rows.entrySet()) {
      Row row = entry.getValue();
      Duration shown =
          row.started() != null ? Duration.between(row.started(), until) : row.duration();
      table.row(
          entry.getKey(),
          Names.of(row.status()),
          row.attempt() == 0 ? "-" : Integer.toString(row.attempt()),
          shown == null ? "-" : HumanDuration.format(shown),
          row.note());
    }
    List<String> lines = new java.util.ArrayList<>();
    String title = "run " + runName + ": " + Names.of(runStatus);
    lines.add(connection.isEmpty() ? title : title + " - " + connection);
    lines.addAll(table.lines());
    return lines;
  }

  private Row row(String step) {
    return rows.getOrDefault(step, new Row(StepStatus.STEP_STATUS_PENDING, 0, null, null, ""));
  }

  private void update(
      String step,
      StepStatus status,
      int attempt,
      Instant started,
      Duration duration,
      String note) {
    rows.put(step, row(step).with(status, attempt, started, duration, note));
  }

  private static Duration java(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }
}
