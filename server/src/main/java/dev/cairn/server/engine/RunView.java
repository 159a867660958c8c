package dev.cairn.server.engine;

import dev.cairn.v1.Attempt;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.Run;
import dev.cairn.v1.StepRun;

/** Renders a run's folded state as the API's {@link Run} message. */
public final class RunView {
  private RunView() {}

  public static Run of(RunState state) {
    Run.Builder run =
        Run.newBuilder()
            .setRunId(state.runId())
            .setName(state.plan().spec().getName())
            .setStatus(state.status())
            .setSpec(state.plan().spec())
            .setRequestId(state.requestId())
            .setPrincipal(state.principal())
            .setCreateTime(Times.timestamp(state.createTime()))
            .setLastSeq(state.lastSeq())
            .putAllParams(state.info().params())
            .putAllLabels(state.info().labels())
            .setRerunOf(state.info().rerunOf());
    if (state.info().deadline() != null) {
      run.setDeadline(Times.timestamp(state.info().deadline()));
    }
    if (!state.info().scheduleId().isEmpty()) {
      run.setScheduleId(state.info().scheduleId());
      run.setNominalTime(Times.timestamp(state.info().nominalTime()));
    }
    if (state.timedOut() && state.status() == dev.cairn.v1.RunStatus.RUN_STATUS_FAILED) {
      run.setFailureReason(dev.cairn.v1.FailureReason.FAILURE_REASON_TIMEOUT);
    }
    if (state.endTime() != null) {
      run.setEndTime(Times.timestamp(state.endTime()));
    }
    for (int position = 0; position < state.stepCount(); position++) {
      run.addSteps(
          step(state.step(position))
              .setEffectiveRetry(Backoff.effective(state.plan().retry(position))));
    }
    return run.build();
  }

  static StepRun.Builder step(StepState step) {
    StepRun.Builder view =
        StepRun.newBuilder()
            .setStepId(step.id())
            .setStatus(step.status())
            .setSkipCauseStepId(step.skipCause())
            .setSkipReason(step.skipReason())
            .putAllOutputs(step.outputs())
            .setCarriedFromRunId(step.carriedFrom());
    if (step.nextAttemptTime() != null) {
      view.setNextAttemptTime(Times.timestamp(step.nextAttemptTime()));
    }
    for (AttemptRecord attempt : step.attempts()) {
      Attempt.Builder record =
          Attempt.newBuilder()
              .setNumber(attempt.number())
              .setPid(attempt.pid())
              .setExitCode(attempt.exitCode())
              .setFailureReason(attempt.failureReason())
              .setMessage(attempt.message())
              .setSignal(attempt.signal())
              .setOutputBytes(attempt.outputBytes())
              .setFinished(attempt.finished());
      if (attempt.finished() && attempt.failureReason() != FailureReason.FAILURE_REASON_LOST) {
        // While it runs the elapsed time is the reader's now minus start_time, not zero; a lost
        // attempt ended while no server watched it, so how long it ran is not known.
        record.setDuration(Times.duration(attempt.duration()));
      }
      if (attempt.startTime() != null) {
        record.setStartTime(Times.timestamp(attempt.startTime()));
      }
      if (attempt.endTime() != null) {
        record.setEndTime(Times.timestamp(attempt.endTime()));
      }
      view.addAttempts(record);
    }
    return view;
  }
}
