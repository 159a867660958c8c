package dev.cairn.server.api;

import dev.cairn.server.runtime.EngineObserver;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.StepFailed;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One log line when a run is submitted, when it ends (status, duration, steps) and for each failed
 * attempt, with {@code run_id}, {@code step_id} and {@code attempt} as fields of the line (MDC:
 * top-level keys with JSON logs on), written from committed events on the engine thread.
 */
final class RunLog implements EngineObserver {
  private static final Logger LOG = Logger.getLogger("dev.cairn.runs");

  private final EventStore store;
  // Runs submitted while this server ran, or found live at recovery when they end: when they were
  // submitted and how many steps they have. Entries leave when their run ends.
  private final Map<String, Submitted> live = new HashMap<>();

  private record Submitted(long epochMillis, int steps, String workflow) {}

  RunLog(EventStore store) {
    this.store = store;
  }

  @Override
  public void committed(List<Event> events, long nanos) {
    for (Event event : events) {
      switch (event.getPayloadCase()) {
        case RUN_SUBMITTED -> submitted(event);
        case STEP_FAILED -> failed(event);
        case RUN_SUCCEEDED -> ended(event, "succeeded", "");
        case RUN_FAILED ->
            ended(
                event,
                "failed",
                // A run that failed by its own timeout may have no failed step.
                event.getRunFailed().getFailedStepIdsList().isEmpty()
                    ? ""
                    : ", failed steps "
                        + String.join(", ", event.getRunFailed().getFailedStepIdsList()));
        case RUN_CANCELLED -> ended(event, "cancelled", "");
        default -> {
          // Not logged: the event history has every fact.
        }
      }
    }
  }

  private void submitted(Event event) {
    Submitted run = submittedOf(event);
    live.put(event.getRunId(), run);
    try {
      MDC.put("run_id", event.getRunId());
      MDC.put("workflow", run.workflow());
      MDC.put("steps", Integer.toString(run.steps()));
      LOG.infof(
          "run %s submitted: workflow %s, %d steps",
          event.getRunId(), printable(run.workflow()), Integer.valueOf(run.steps()));
    } finally {
      MDC.clear();
    }
  }

  private void failed(Event event) {
    StepFailed failed = event.getStepFailed();
    try {
      MDC.put("run_id", event.getRunId());
      MDC.put("step_id", failed.getStepId());
      MDC.put("attempt", Integer.toString(failed.getAttempt()));
      MDC.put("reason", EngineMetrics.reasonLabel(failed.getReason()));
      LOG.infof(
          "run %s, step %s, attempt %d failed (%s): %s",
          event.getRunId(),
          failed.getStepId(),
          Integer.valueOf(failed.getAttempt()),
          EngineMetrics.reasonLabel(failed.getReason()),
          printable(failed.getMessage()));
    } finally {
      MDC.clear();
    }
  }

  private void ended(Event event, String status, String detail) {
    Submitted run = live.remove(event.getRunId());
    if (run == null) {
      // Submitted before this server started: its first event says when.
      List<Event> first = store.readRun(event.getRunId(), 0, 1);
      run = first.isEmpty() ? null : submittedOf(first.get(0));
    }
    long durationMillis = run == null ? -1 : millis(event) - run.epochMillis();
    try {
      MDC.put("run_id", event.getRunId());
      MDC.put("status", status);
      if (run != null) {
        MDC.put("duration_ms", Long.toString(durationMillis));
        MDC.put("steps", Integer.toString(run.steps()));
        MDC.put("workflow", run.workflow());
      }
      LOG.infof(
          "run %s %s%s%s",
          event.getRunId(),
          status,
          run == null ? "" : " after " + durationMillis + " ms, " + run.steps() + " steps",
          detail);
    } finally {
      MDC.clear();
    }
  }

  /**
   * Text from a workflow (a program name in a spawn error, a name stored before names were checked)
   * with its control characters escaped: in a plain-text log, a line break in it would start a
   * forged line. JSON logs escape it themselves; this keeps the text readable there too.
   */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static Submitted submittedOf(Event event) {
    return new Submitted(
        millis(event),
        event.getRunSubmitted().getSpec().getStepsCount(),
        event.getRunSubmitted().getSpec().getName());
  }

  private static long millis(Event event) {
    return event.getTime().getSeconds() * 1000 + event.getTime().getNanos() / 1_000_000;
  }
}
