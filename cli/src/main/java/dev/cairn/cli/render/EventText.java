package dev.cairn.cli.render;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.StepFailed;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line of text per event: {@code <time> <seq> <step> <what>}, where {@code <step>} is {@code -}
 * for events about the whole run and {@code <what>} says in words what happened.
 */
public final class EventText {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private EventText() {}

  /**
   * The line for {@code event}. With {@code allRuns}, the global sequence number and the run id are
   * shown, since events of several runs are interleaved; otherwise the per-run number.
   */
  public static String line(Event event, ZoneId zone, boolean allRuns) {
    String time = TIME.withZone(zone).format(instant(event.getTime()));
    String prefix =
        allRuns
            ? time + " " + event.getGlobalSeq() + " " + event.getRunId()
            : time + " " + event.getRunSeq();
    return prefix + " " + step(event) + " " + describe(event);
  }

  /** The step an event is about, or {@code -} for a run-level event. */
  public static String step(Event event) {
    String step =
        switch (event.getPayloadCase()) {
          case STEP_STARTED -> event.getStepStarted().getStepId();
          case STEP_SUCCEEDED -> event.getStepSucceeded().getStepId();
          case STEP_FAILED -> event.getStepFailed().getStepId();
          case STEP_RETRY_SCHEDULED -> event.getStepRetryScheduled().getStepId();
          case STEP_SKIPPED -> event.getStepSkipped().getStepId();
          case STEP_CANCELLED -> event.getStepCancelled().getStepId();
          case STEP_TIMED_OUT -> event.getStepTimedOut().getStepId();
          default -> "";
        };
    return step.isEmpty() ? "-" : step;
  }

  /** What happened, in words. */
  public static String describe(Event event) {
    return switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> {
        var submitted = event.getRunSubmitted();
        String by = submitted.getPrincipal().isEmpty() ? "" : " by " + submitted.getPrincipal();
        String rerun =
            submitted.getRerunOf().isEmpty()
                ? ""
                : ", rerun of "
                    + submitted.getRerunOf()
                    + " keeping "
                    + plural(submitted.getCarriedStepsCount(), "step");
        String name = submitted.getSpec().getName();
        yield "run submitted: "
            + (name.isEmpty() ? "" : name + ", ")
            + plural(submitted.getSpec().getStepsCount(), "step")
            + rerun
            + by;
      }
      case STEP_STARTED -> {
        var started = event.getStepStarted();
        yield "started attempt " + started.getAttempt() + " (pid " + started.getPid() + ")";
      }
      case STEP_SUCCEEDED -> {
        var succeeded = event.getStepSucceeded();
        String outputs =
            succeeded.getOutputsCount() == 0
                ? ""
                : ", outputs "
                    + String.join(
                        ", ", new java.util.TreeSet<>(succeeded.getOutputsMap().keySet()));
        yield "succeeded: attempt "
            + succeeded.getAttempt()
            + " in "
            + HumanDuration.format(succeeded.getDuration())
            + outputs;
      }
      case STEP_FAILED -> {
        var failed = event.getStepFailed();
        yield "failed: "
            + failure(failed)
            + " (attempt "
            + failed.getAttempt()
            // A lost attempt ended while no server watched: how long it ran is not known.
            + (failed.getReason() == FailureReason.FAILURE_REASON_LOST
                ? ""
                : ", " + HumanDuration.format(failed.getDuration()))
            + ")";
      }
      case STEP_RETRY_SCHEDULED -> {
        var retry = event.getStepRetryScheduled();
        yield "retry attempt "
            + retry.getNextAttempt()
            + " in "
            + HumanDuration.format(retry.getBackoff());
      }
      case STEP_SKIPPED -> {
        String cause = event.getStepSkipped().getCauseStepId();
        if (event.getStepSkipped().getReason()
            == dev.cairn.v1.SkipReason.SKIP_REASON_NO_UPSTREAM_FAILED) {
          yield "skipped: no upstream step failed (run_if: any_failed)";
        }
        yield cause.isEmpty() ? "skipped" : "skipped: upstream step " + cause + " did not succeed";
      }
      case STEP_CANCELLED -> {
        int attempt = event.getStepCancelled().getAttempt();
        yield attempt == 0 ? "cancelled" : "cancelled: attempt " + attempt + " stopped";
      }
      case STEP_TIMED_OUT -> {
        var timedOut = event.getStepTimedOut();
        yield "timed out: attempt "
            + timedOut.getAttempt()
            + " ran past "
            + HumanDuration.format(timedOut.getTimeout())
            + ", stopping it";
      }
      case RUN_CANCEL_REQUESTED -> {
        var request = event.getRunCancelRequested();
        String why = request.getReason().isEmpty() ? "" : ": " + request.getReason();
        String by = request.getPrincipal().isEmpty() ? "" : " (by " + request.getPrincipal() + ")";
        yield "cancel requested" + why + by;
      }
      case RUN_TIMED_OUT ->
          "run timed out after "
              + HumanDuration.format(event.getRunTimedOut().getTimeout())
              + ", stopping every step";
      case RUN_SUCCEEDED -> "run succeeded";
      case RUN_FAILED -> {
        var failedSteps = event.getRunFailed().getFailedStepIdsList();
        if (event.getRunFailed().getReason() == FailureReason.FAILURE_REASON_TIMEOUT) {
          yield "run failed: timed out";
        }
        yield failedSteps.isEmpty()
            ? "run failed"
            : "run failed: " + String.join(", ", failedSteps) + " failed";
      }
      case RUN_CANCELLED -> "run cancelled";
      case PAYLOAD_NOT_SET -> "event of a kind this client does not know (a newer server?)";
    };
  }

  /** A failed attempt's cause in words, e.g. {@code exit code 3}. */
  public static String failure(StepFailed failed) {
    return failure(
        failed.getReason(), failed.getExitCode(), failed.getSignal(), failed.getMessage());
  }

  /**
   * The one wording of an attempt's failure, used by every command: {@code exit code 3}, {@code
   * killed by signal 9}, {@code timed out: timed out after 30s}.
   */
  public static String failure(FailureReason reason, int exitCode, int signal, String message) {
    String detail =
        switch (reason) {
          case FAILURE_REASON_EXIT_CODE -> "exit code " + exitCode;
          case FAILURE_REASON_SIGNAL -> "killed by signal " + signal;
          case FAILURE_REASON_TIMEOUT -> "timed out";
          case FAILURE_REASON_SPAWN_ERROR -> "could not start";
          case FAILURE_REASON_OUTPUT_LIMIT -> "wrote more output than allowed";
          case FAILURE_REASON_LOST -> "lost when the server stopped";
          case FAILURE_REASON_OUTPUTS -> "outputs not recorded";
          default -> Names.of(reason);
        };
    boolean saysMore =
        !message.isEmpty()
            && !message.equals(detail)
            && reason != FailureReason.FAILURE_REASON_EXIT_CODE
            && reason != FailureReason.FAILURE_REASON_SIGNAL;
    return saysMore ? detail + ": " + message : detail;
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
