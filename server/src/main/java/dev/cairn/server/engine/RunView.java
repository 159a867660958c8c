package dev.cairn.server.engine;

import dev.cairn.v1.Attempt;
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
            .setLastSeq(state.lastSeq());
    if (state.endTime() != null) {
      run.setEndTime(Times.timestamp(state.endTime()));
    }
    for (StepState step : state.steps()) {
      run.addSteps(step(step));
    }
    return run.build();
  }

  private static StepRun step(StepState step) {
    StepRun.Builder view =
        StepRun.newBuilder()
            .setStepId(step.id())
            .setStatus(step.status())
            .setSkipCauseStepId(step.skipCause());
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
              .setOutputBytes(attempt.outputBytes())
              .setDuration(Times.duration(attempt.duration()))
              .setFinished(attempt.finished());
      if (attempt.startTime() != null) {
        record.setStartTime(Times.timestamp(attempt.startTime()));
      }
      if (attempt.endTime() != null) {
        record.setEndTime(Times.timestamp(attempt.endTime()));
      }
      view.addAttempts(record);
    }
    return view.build();
  }
}
