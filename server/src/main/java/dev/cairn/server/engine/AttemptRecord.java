package dev.cairn.server.engine;

import dev.cairn.v1.FailureReason;
import java.time.Duration;
import java.time.Instant;

/**
 * One process execution of a step, as far as the events tell. Immutable; each event that concerns
 * the attempt yields a new record.
 *
 * @param number attempt number, from 1
 * @param startTime when the process started, or null if it never did (a spawn error)
 * @param pid process id, also the process group id; 0 if never started
 * @param startTicks process start time in clock ticks since boot, to tell a reused pid
 * @param marker value of CAIRN_MARKER in the attempt's environment
 * @param outputPath the file holding the attempt's output
 * @param deadline when the attempt times out, or null
 * @param timedOut whether the timeout fired and the stop began
 * @param finished whether a terminal event for the attempt was recorded
 * @param endTime when the attempt finished, or null
 * @param exitCode exit code, when it exited
 * @param signal the signal that ended it, or 0
 * @param failureReason why it failed, or UNSPECIFIED
 * @param message explanation of a failure
 * @param outputBytes bytes of output written
 * @param duration wall time of the attempt
 */
public record AttemptRecord(
    int number,
    Instant startTime,
    long pid,
    long startTicks,
    String marker,
    String outputPath,
    Instant deadline,
    boolean timedOut,
    boolean finished,
    Instant endTime,
    int exitCode,
    int signal,
    FailureReason failureReason,
    String message,
    long outputBytes,
    Duration duration) {

  static AttemptRecord started(
      int number,
      Instant startTime,
      long pid,
      long startTicks,
      String marker,
      String outputPath,
      Instant deadline) {
    return new AttemptRecord(
        number,
        startTime,
        pid,
        startTicks,
        marker,
        outputPath,
        deadline,
        false,
        false,
        null,
        0,
        0,
        FailureReason.FAILURE_REASON_UNSPECIFIED,
        "",
        0,
        Duration.ZERO);
  }

  static AttemptRecord neverStarted(int number) {
    return started(number, null, 0, 0, "", "", null);
  }

  AttemptRecord withTimedOut() {
    return new AttemptRecord(
        number,
        startTime,
        pid,
        startTicks,
        marker,
        outputPath,
        deadline,
        true,
        finished,
        endTime,
        exitCode,
        signal,
        failureReason,
        message,
        outputBytes,
        duration);
  }

  AttemptRecord finish(
      Instant end,
      int exit,
      int signalNumber,
      FailureReason reason,
      String why,
      long bytes,
      Duration took) {
    return new AttemptRecord(
        number,
        startTime,
        pid,
        startTicks,
        marker,
        outputPath,
        deadline,
        timedOut,
        true,
        end,
        exit,
        signalNumber,
        reason,
        why,
        bytes,
        took);
  }
}
