package dev.cairn.server.engine;

import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;

/** Something that happened outside the engine core and may lead to events. */
public sealed interface Trigger {

  /** A client submitted a validated spec. */
  record Submit(WorkflowSpec spec, String requestId, String principal) implements Trigger {}

  /** The shell started an attempt's process. */
  record AttemptStarted(
      String stepId,
      int attempt,
      long pid,
      long pgid,
      long startTicks,
      String marker,
      String outputPath)
      implements Trigger {}

  /** The shell could not start an attempt's process. */
  record AttemptSpawnFailed(String stepId, int attempt, String message) implements Trigger {}

  /**
   * An attempt's leader exited and its process group is gone.
   *
   * @param signal the signal that ended it, or 0 when it exited
   * @param outputLimitExceeded whether it hit the output cap
   */
  record AttemptExited(
      String stepId,
      int attempt,
      int exitCode,
      int signal,
      long outputBytes,
      boolean outputLimitExceeded,
      Duration duration)
      implements Trigger {}

  /** An attempt's deadline passed. */
  record TimeoutDue(String stepId, int attempt) implements Trigger {}

  /** An attempt found running at recovery was killed: its outcome is unknown. */
  record AttemptLost(String stepId, int attempt, String message) implements Trigger {}

  /**
   * The server is shutting down and stopped an attempt. It did not fail on its own, so it is
   * attempted again after the restart without counting against max_attempts.
   */
  record AttemptInterrupted(String stepId, int attempt, Duration duration) implements Trigger {}

  /** A client asked to cancel the run. */
  record Cancel(String reason, String principal) implements Trigger {}

  /**
   * The engine takes the run up again after a restart or a failed commit. A stopping run may hold a
   * step that only its launch would have settled, and that launch is gone: it is settled now.
   */
  record Resume() implements Trigger {}
}
