package dev.cairn.server.engine;

import dev.cairn.v1.CarriedStep;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.Params;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Something that happened outside the engine core and may lead to events. */
public sealed interface Trigger {

  /**
   * A client submitted a validated spec, or a rerun of a finished run.
   *
   * @param params the resolved parameter values ({@link Params#resolve})
   * @param labels the run's labels, the workflow's merged with the submit's
   * @param rerunOf the run a rerun takes up again, or empty
   * @param carried for a rerun, the steps that keep their results from earlier runs
   * @param scheduleId for a run a schedule's firing starts, the schedule; else empty
   * @param nominalTime for a run a schedule's firing starts, its nominal time; else null
   */
  record Submit(
      WorkflowSpec spec,
      String requestId,
      String principal,
      Map<String, String> params,
      Map<String, String> labels,
      String rerunOf,
      List<CarriedStep> carried,
      String scheduleId,
      java.time.Instant nominalTime)
      implements Trigger {
    public Submit {
      params = Map.copyOf(params);
      labels = Map.copyOf(labels);
      carried = List.copyOf(carried);
    }

    /** A submit or a rerun that no schedule made. */
    public Submit(
        WorkflowSpec spec,
        String requestId,
        String principal,
        Map<String, String> params,
        Map<String, String> labels,
        String rerunOf,
        List<CarriedStep> carried) {
      this(spec, requestId, principal, params, labels, rerunOf, carried, "", null);
    }

    /** A plain submit: no parameters, the workflow's labels, not a rerun. */
    public Submit(WorkflowSpec spec, String requestId, String principal) {
      this(spec, requestId, principal, Map.of(), spec.getLabelsMap(), "", List.of());
    }
  }

  /**
   * The shell started an attempt's process.
   *
   * @param nodeId the node whose machine runs it, empty for a single server
   * @param bootId that node's current boot, empty for a single server
   */
  record AttemptStarted(
      String stepId,
      int attempt,
      long pid,
      long pgid,
      long startTicks,
      String marker,
      String outputPath,
      String nodeId,
      String bootId)
      implements Trigger {

    /** A start on a single server, which names no node. */
    public AttemptStarted(
        String stepId,
        int attempt,
        long pid,
        long pgid,
        long startTicks,
        String marker,
        String outputPath) {
      this(stepId, attempt, pid, pgid, startTicks, marker, outputPath, "", "");
    }
  }

  /** The shell could not start an attempt's process. */
  record AttemptSpawnFailed(String stepId, int attempt, String message) implements Trigger {}

  /**
   * An attempt's leader exited and its process group is gone.
   *
   * @param signal the signal that ended it, or 0 when it exited
   * @param outputLimitExceeded whether it hit the output cap
   * @param outputs what it wrote to $CAIRN_OUTPUT, parsed ({@link StepOutputs})
   * @param outputsProblem why its outputs file cannot be recorded (over the cap, malformed), or
   *     empty
   */
  record AttemptExited(
      String stepId,
      int attempt,
      int exitCode,
      int signal,
      long outputBytes,
      boolean outputLimitExceeded,
      Duration duration,
      Map<String, String> outputs,
      String outputsProblem)
      implements Trigger {
    public AttemptExited {
      outputs = Map.copyOf(outputs);
    }

    /** An exit that wrote no outputs. */
    public AttemptExited(
        String stepId,
        int attempt,
        int exitCode,
        int signal,
        long outputBytes,
        boolean outputLimitExceeded,
        Duration duration) {
      this(
          stepId,
          attempt,
          exitCode,
          signal,
          outputBytes,
          outputLimitExceeded,
          duration,
          Map.of(),
          "");
    }
  }

  /** The run's deadline passed. */
  record RunTimeoutDue() implements Trigger {}

  /** An attempt's deadline passed. */
  record TimeoutDue(String stepId, int attempt) implements Trigger {}

  /**
   * An attempt found running at recovery was killed: its outcome is unknown. {@code outputBytes} is
   * the size its output file was found at (0 when it ran on another node).
   */
  record AttemptLost(String stepId, int attempt, String message, long outputBytes)
      implements Trigger {}

  /**
   * The server is shutting down and stopped an attempt. It did not fail on its own, so it is
   * attempted again after the restart without counting against max_attempts.
   */
  record AttemptInterrupted(String stepId, int attempt, Duration duration, long outputBytes)
      implements Trigger {}

  /** A client asked to cancel the run. */
  record Cancel(String reason, String principal) implements Trigger {}

  /**
   * The engine takes the run up again after a restart or a failed commit. A stopping run may hold a
   * step that only its launch would have settled, and that launch is gone: it is settled now.
   */
  record Resume() implements Trigger {}
}
