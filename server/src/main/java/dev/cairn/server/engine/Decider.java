package dev.cairn.server.engine;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunCancelRequested;
import dev.cairn.v1.RunCancelled;
import dev.cairn.v1.RunFailed;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.RunSucceeded;
import dev.cairn.v1.RunTimedOut;
import dev.cairn.v1.SkipReason;
import dev.cairn.v1.StepCancelled;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepSkipped;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.StepSucceeded;
import dev.cairn.v1.StepTimedOut;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code decide(state, trigger, now) -> events}: the engine's rules. Pure: no I/O and no clock
 * read; the time comes in as {@code now}. A trigger that no longer fits the state (an exit of an
 * attempt that was already settled, a timeout of a finished attempt) decides nothing.
 */
public final class Decider {
  private Decider() {}

  /** Decides the events a trigger leads to, for a run with no attempt being launched. */
  public static Decision decide(String runId, RunState state, Trigger trigger, Instant now) {
    return decide(runId, state, trigger, now, Set.of());
  }

  /**
   * Decides the events a trigger leads to.
   *
   * <p>A step in {@code launching} has an attempt on its way to a process that no event records
   * yet. A stopping run (cancelled, or failing fast) settles every other step that does not run, on
   * every decision, and leaves such a step alone: its launch ends in a start, which is recorded and
   * then stopped like any running attempt, or in a spawn error, which settles it. Either way the
   * run's last event comes only after the process is known to be gone. Should that start or error
   * never become durable (a crash, a failed commit), the step is no longer launching at the next
   * decision, {@link Trigger.Resume} at the latest, and is settled then.
   *
   * @param runId the run's id (needed when {@code state} is null, for a submit)
   * @param state the run's current state, or null before its submit
   * @param launching the run's steps whose next attempt is being launched
   */
  public static Decision decide(
      String runId, RunState state, Trigger trigger, Instant now, Set<String> launching) {
    return decide(runId, state, trigger, now, launching, false);
  }

  /**
   * Decides the events a trigger leads to, and the effects on processes they authorize.
   *
   * <p>While the server is {@code shuttingDown}, an attempt that exits unclean was stopped by the
   * shutdown rather than failing on its own: it is recorded as interrupted, and attempted again
   * after the restart. A start is answered with an effect: {@link Effect.KillUnwantedStart} when no
   * step wants it any more (nothing records it), {@link Effect.StopStartedAttempt} when it is
   * recorded but must not run on (a shutdown, or a cancel or fail-fast that overtook its launch).
   *
   * @param shuttingDown whether the server is shutting down and stopping every attempt
   */
  public static Decision decide(
      String runId,
      RunState state,
      Trigger trigger,
      Instant now,
      Set<String> launching,
      boolean shuttingDown) {
    if (shuttingDown && trigger instanceof Trigger.AttemptExited exited && !clean(exited)) {
      trigger =
          new Trigger.AttemptInterrupted(
              exited.stepId(), exited.attempt(), exited.duration(), exited.outputBytes());
    }
    Decision decision = decideEvents(runId, state, trigger, now, launching);
    if (trigger instanceof Trigger.AttemptStarted started) {
      if (decision.events().isEmpty()) {
        return decision.with(new Effect.KillUnwantedStart(started.stepId(), started.attempt()));
      }
      StepState step = decision.state().step(started.stepId());
      if (shuttingDown || (step != null && decision.state().stops(step))) {
        return decision.with(new Effect.StopStartedAttempt(started.stepId(), started.attempt()));
      }
    }
    return decision;
  }

  private static boolean clean(Trigger.AttemptExited exited) {
    return exited.exitCode() == 0 && exited.signal() == 0;
  }

  private static Decision decideEvents(
      String runId, RunState state, Trigger trigger, Instant now, Set<String> launching) {
    Emitter out = new Emitter(runId, state, now, launching);
    if (trigger instanceof Trigger.Submit submit) {
      if (state == null) {
        RunSubmitted.Builder submitted =
            RunSubmitted.newBuilder()
                .setSpec(submit.spec())
                .setRequestId(submit.requestId())
                .setPrincipal(submit.principal())
                .putAllParams(submit.params())
                .putAllLabels(submit.labels())
                .setRerunOf(submit.rerunOf())
                .addAllCarriedSteps(submit.carried());
        if (!submit.scheduleId().isEmpty()) {
          submitted.setScheduleId(submit.scheduleId());
          submitted.setNominalTime(Times.timestamp(submit.nominalTime()));
        }
        if (submit.spec().hasTimeout()) {
          submitted.setDeadline(
              Times.timestamp(now.plus(Times.duration(submit.spec().getTimeout()))));
        }
        out.emit(event -> event.setRunSubmitted(submitted));
        // A rerun whose steps all carry over, or whose rules settle at once, is decided now.
        settleBlocked(out);
        completeIfDone(out);
      }
      return out.decision();
    }
    if (state == null || state.isTerminal()) {
      return out.decision();
    }
    if (trigger instanceof Trigger.AttemptStarted started) {
      onStarted(out, started);
    } else if (trigger instanceof Trigger.AttemptSpawnFailed spawn) {
      onSpawnFailed(out, spawn);
    } else if (trigger instanceof Trigger.AttemptExited exited) {
      onExited(out, exited);
    } else if (trigger instanceof Trigger.TimeoutDue due) {
      onTimeout(out, due);
    } else if (trigger instanceof Trigger.AttemptLost lost) {
      Failures.onLost(out, lost);
    } else if (trigger instanceof Trigger.AttemptInterrupted interrupted) {
      Failures.onInterrupted(out, interrupted);
    } else if (trigger instanceof Trigger.Cancel cancel) {
      onCancel(out, cancel);
    } else if (trigger instanceof Trigger.RunTimeoutDue) {
      onRunTimeout(out);
    }
    settleIfStopping(out);
    // Without trigger rules, a failure's downstream is skipped as it happens (Failures), so the
    // walk over every pending step is only needed when some step has a rule of its own.
    if (out.state().plan().hasTriggerRules()) {
      settleBlocked(out);
    }
    completeIfDone(out);
    return out.decision();
  }

  private static void onStarted(Emitter out, Trigger.AttemptStarted started) {
    RunState state = out.state();
    int position = state.plan().indexOf(started.stepId());
    StepState step = position < 0 ? null : state.step(position);
    // A launch that a cancel or a fail-fast overtook is still recorded: the process exists, and the
    // engine stops it once this start is durable, like every running attempt of a stopping run.
    if (!startable(step, started.attempt())) {
      return;
    }
    Duration timeout = state.plan().timeout(position);
    StepStarted.Builder event =
        StepStarted.newBuilder()
            .setStepId(started.stepId())
            .setAttempt(started.attempt())
            .setPid(started.pid())
            .setPgid(started.pgid())
            .setProcessStartTicks(started.startTicks())
            .setMarker(started.marker())
            .setOutputPath(started.outputPath())
            .setNodeId(started.nodeId())
            .setBootId(started.bootId());
    if (timeout != null) {
      event.setDeadline(Times.timestamp(out.now().plus(timeout)));
    }
    out.emit(e -> e.setStepStarted(event));
  }

  private static boolean startable(StepState step, int attempt) {
    return Transitions.mayStart(step, attempt);
  }

  private static void onSpawnFailed(Emitter out, Trigger.AttemptSpawnFailed spawn) {
    StepState step = out.state().step(spawn.stepId());
    if (step == null || !startable(step, spawn.attempt())) {
      return;
    }
    boolean stopping = out.state().stops(step);
    out.emit(
        e ->
            e.setStepFailed(
                StepFailed.newBuilder()
                    .setStepId(spawn.stepId())
                    .setAttempt(spawn.attempt())
                    .setReason(FailureReason.FAILURE_REASON_SPAWN_ERROR)
                    .setMessage(spawn.message())));
    if (stopping) {
      // A launch that a cancel or a fail-fast overtook: the failure stands, with no retry. Its
      // downstream steps were settled when the run began to stop (they were not launching).
      return;
    }
    Failures.afterFailure(
        out, spawn.stepId(), spawn.attempt(), FailureReason.FAILURE_REASON_SPAWN_ERROR, 0);
  }

  static boolean isCurrent(StepState step, int attempt) {
    return step != null && step.isRunning() && step.attempt() == attempt;
  }

  /** Why {@code outputs} would take the run past its outputs cap, or "" when they fit. */
  private static String overRunOutputs(RunState state, Map<String, String> outputs) {
    long adding = StepOutputs.bytes(outputs);
    if (adding == 0 || state.outputBytes() + adding <= StepOutputs.MAX_RUN_BYTES) {
      return "";
    }
    return "the outputs file ($CAIRN_OUTPUT) holds "
        + adding
        + " bytes, and the run's outputs already hold "
        + state.outputBytes()
        + "; together a run's outputs may hold at most "
        + StepOutputs.MAX_RUN_BYTES
        + " bytes";
  }

  private static void onExited(Emitter out, Trigger.AttemptExited exited) {
    StepState step = out.state().step(exited.stepId());
    if (!isCurrent(step, exited.attempt())) {
      return;
    }
    boolean clean = exited.exitCode() == 0 && exited.signal() == 0;
    String outputsProblem =
        exited.outputsProblem().isEmpty()
            ? overRunOutputs(out.state(), exited.outputs())
            : exited.outputsProblem();
    if (clean && !exited.outputLimitExceeded() && outputsProblem.isEmpty()) {
      out.emit(
          e ->
              e.setStepSucceeded(
                  StepSucceeded.newBuilder()
                      .setStepId(exited.stepId())
                      .setAttempt(exited.attempt())
                      .setDuration(Times.duration(exited.duration()))
                      .setOutputBytes(exited.outputBytes())
                      .putAllOutputs(exited.outputs())));
      return;
    }
    if (out.state().stops(step)) {
      Failures.cancelAttempt(
          out,
          StepCancelled.newBuilder()
              .setStepId(exited.stepId())
              .setAttempt(exited.attempt())
              .setExitCode(exited.exitCode())
              .setSignal(exited.signal())
              .setOutputBytes(exited.outputBytes())
              .setDuration(Times.duration(exited.duration())));
      return;
    }
    StepFailed.Builder failure =
        StepFailed.newBuilder()
            .setStepId(exited.stepId())
            .setAttempt(exited.attempt())
            .setExitCode(exited.exitCode())
            .setSignal(exited.signal())
            .setDuration(Times.duration(exited.duration()))
            .setOutputBytes(exited.outputBytes());
    if (step.lastAttempt().timedOut()) {
      Duration timeout = out.state().plan().timeout(out.state().plan().indexOf(exited.stepId()));
      failure
          .setReason(FailureReason.FAILURE_REASON_TIMEOUT)
          .setMessage("timed out after " + Durations.format(timeout));
    } else if (clean && !outputsProblem.isEmpty()) {
      failure.setReason(FailureReason.FAILURE_REASON_OUTPUTS).setMessage(outputsProblem);
    } else if (exited.outputLimitExceeded()) {
      failure
          .setReason(FailureReason.FAILURE_REASON_OUTPUT_LIMIT)
          .setMessage("output exceeded the limit after " + exited.outputBytes() + " bytes");
    } else if (exited.signal() != 0) {
      failure
          .setReason(FailureReason.FAILURE_REASON_SIGNAL)
          .setMessage("killed by signal " + exited.signal());
    } else {
      failure
          .setReason(FailureReason.FAILURE_REASON_EXIT_CODE)
          .setMessage("exit code " + exited.exitCode());
    }
    out.emit(e -> e.setStepFailed(failure));
    Failures.afterFailure(
        out, exited.stepId(), exited.attempt(), failure.getReason(), exited.exitCode());
  }

  private static void onTimeout(Emitter out, Trigger.TimeoutDue due) {
    StepState step = out.state().step(due.stepId());
    if (!isCurrent(step, due.attempt())
        || step.lastAttempt().timedOut()
        || out.state().stops(step)) {
      return;
    }
    Duration timeout = out.state().plan().timeout(out.state().plan().indexOf(due.stepId()));
    out.emit(
        e ->
            e.setStepTimedOut(
                StepTimedOut.newBuilder()
                    .setStepId(due.stepId())
                    .setAttempt(due.attempt())
                    .setTimeout(Times.duration(timeout))));
  }

  private static void onCancel(Emitter out, Trigger.Cancel cancel) {
    // A run past its deadline is already being stopped, and ends FAILED for its timeout.
    if (out.state().halted()) {
      return;
    }
    out.emit(
        e ->
            e.setRunCancelRequested(
                RunCancelRequested.newBuilder()
                    .setReason(cancel.reason())
                    .setPrincipal(cancel.principal())));
  }

  /** The run's deadline passed: every step stops as for a cancel, and the run ends FAILED. */
  private static void onRunTimeout(Emitter out) {
    RunState state = out.state();
    Instant deadline = state.info().deadline();
    if (state.halted() || deadline == null || out.now().isBefore(deadline)) {
      return;
    }
    out.emit(
        e ->
            e.setRunTimedOut(
                RunTimedOut.newBuilder().setTimeout(state.plan().spec().getTimeout())));
  }

  /**
   * Every pending step whose rule ({@code run_if}) can no longer be met is skipped, until none is
   * left: a skip may settle the rule of a step downstream of it.
   */
  static void settleBlocked(Emitter out) {
    boolean changed = true;
    while (changed && !out.state().isTerminal() && !out.state().halted()) {
      changed = false;
      RunState state = out.state();
      for (int position = 0; position < state.stepCount(); position++) {
        StepState step = out.state().step(position);
        if (step.status() != StepStatus.STEP_STATUS_PENDING || out.launching(step.id())) {
          continue;
        }
        if (TriggerRules.judge(out.state(), position) instanceof TriggerRules.Skip skip) {
          out.emit(
              e ->
                  e.setStepSkipped(
                      StepSkipped.newBuilder()
                          .setStepId(step.id())
                          .setCauseStepId(skip.causeStepId())
                          .setReason(skip.reason())));
          changed = true;
        }
      }
    }
  }

  /**
   * In a stopping run, every step that is neither terminal, running nor being launched ends now: a
   * cancel cancels it; a fail-fast skips a pending step (the first failure is the cause) and
   * cancels one waiting for its retry.
   */
  private static void settleIfStopping(Emitter out) {
    RunState state = out.state();
    if (state.isTerminal() || !state.stopping()) {
      return;
    }
    String cause = state.halted() ? null : firstFailed(state);
    for (StepState step : state.steps()) {
      if (step.isTerminal() || step.isRunning() || out.launching(step.id()) || !state.stops(step)) {
        continue;
      }
      if (cause != null && step.status() == StepStatus.STEP_STATUS_PENDING) {
        out.emit(
            e ->
                e.setStepSkipped(
                    StepSkipped.newBuilder()
                        .setStepId(step.id())
                        .setCauseStepId(cause)
                        .setReason(SkipReason.SKIP_REASON_UPSTREAM_NOT_SUCCEEDED)));
      } else {
        out.emit(
            e -> e.setStepCancelled(StepCancelled.newBuilder().setStepId(step.id()).setAttempt(0)));
      }
    }
  }

  private static String firstFailed(RunState state) {
    for (StepState step : state.steps()) {
      if (step.status() == StepStatus.STEP_STATUS_FAILED) {
        return step.id();
      }
    }
    throw new IllegalStateException("run " + state.runId() + " fails fast with no failed step");
  }

  /** When every step is terminal, the run's terminal event closes it: the last event of the run. */
  private static void completeIfDone(Emitter out) {
    RunState state = out.state();
    if (state.isTerminal() || state.runningCount() > 0 || !state.allStepsTerminal()) {
      return;
    }
    List<String> failed = new ArrayList<>();
    for (StepState step : state.steps()) {
      if (step.status() == StepStatus.STEP_STATUS_FAILED) {
        failed.add(step.id());
      }
    }
    if (state.cancelRequested()) {
      out.emit(e -> e.setRunCancelled(RunCancelled.getDefaultInstance()));
    } else if (state.timedOut()) {
      out.emit(
          e ->
              e.setRunFailed(
                  RunFailed.newBuilder()
                      .addAllFailedStepIds(failed)
                      .setReason(FailureReason.FAILURE_REASON_TIMEOUT)
                      .setMessage(
                          "the run timed out after "
                              + Durations.format(
                                  Times.duration(state.plan().spec().getTimeout())))));
    } else if (!failed.isEmpty() || !allSucceeded(state)) {
      out.emit(e -> e.setRunFailed(RunFailed.newBuilder().addAllFailedStepIds(failed)));
    } else {
      out.emit(e -> e.setRunSucceeded(RunSucceeded.getDefaultInstance()));
    }
  }

  /**
   * No step failed or was cancelled. A skipped step does not fail the run by itself: every skip
   * goes back to a failure or a cancel, which does, or to a step whose rule asks for a failure to
   * run (run_if any_failed) and found none.
   */
  private static boolean allSucceeded(RunState state) {
    for (StepState step : state.steps()) {
      if (step.status() == StepStatus.STEP_STATUS_FAILED
          || step.status() == StepStatus.STEP_STATUS_CANCELLED) {
        return false;
      }
    }
    return true;
  }
}
