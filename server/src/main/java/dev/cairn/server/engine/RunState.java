package dev.cairn.server.engine;

import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The state of one run, folded from its events by {@link Evolver}. Immutable: every change yields a
 * new instance that shares the unchanged steps and the {@link RunPlan}.
 */
public final class RunState {
  private final String runId;
  private final RunPlan plan;
  private final String requestId;
  private final String principal;
  private final Instant createTime;
  private final Instant endTime;
  private final RunStatus status;
  private final long lastSeq;
  private final StepState[] steps;
  private final int running;
  private final int failed;
  // Steps in a terminal status, so that the completion check after each exit is not a walk over
  // every step (quadratic over a long chain).
  private final int terminal;
  // UTF-8 bytes of every recorded output (keys and values), kept as steps change: what
  // StepOutputs.MAX_RUN_BYTES caps.
  private final long outputBytes;
  private final RunInfo info;
  private final boolean timedOut;
  // True only for the private intermediate states of a replay, which nobody else can see: their
  // step array is updated in place, so folding a run is linear in its events instead of
  // quadratic. Every state handed out is sealed (copy-on-write).
  private final boolean scratch;

  RunState(
      String runId,
      RunPlan plan,
      String requestId,
      String principal,
      Instant createTime,
      Instant endTime,
      RunStatus status,
      long lastSeq,
      StepState[] steps,
      int running,
      int failed,
      RunInfo info) {
    this(
        runId,
        plan,
        requestId,
        principal,
        createTime,
        endTime,
        status,
        lastSeq,
        steps,
        running,
        failed,
        countTerminal(steps),
        countOutputBytes(steps),
        info,
        false,
        false);
  }

  private static long countOutputBytes(StepState[] steps) {
    long bytes = 0;
    for (StepState step : steps) {
      bytes += StepOutputs.bytes(step.outputs());
    }
    return bytes;
  }

  private static int countTerminal(StepState[] steps) {
    int count = 0;
    for (StepState step : steps) {
      if (step.isTerminal()) {
        count++;
      }
    }
    return count;
  }

  private RunState(
      String runId,
      RunPlan plan,
      String requestId,
      String principal,
      Instant createTime,
      Instant endTime,
      RunStatus status,
      long lastSeq,
      StepState[] steps,
      int running,
      int failed,
      int terminal,
      long outputBytes,
      RunInfo info,
      boolean timedOut,
      boolean scratch) {
    this.outputBytes = outputBytes;
    this.scratch = scratch;
    this.info = info;
    this.timedOut = timedOut;
    this.runId = runId;
    this.plan = plan;
    this.requestId = requestId;
    this.principal = principal;
    this.createTime = createTime;
    this.endTime = endTime;
    this.status = status;
    this.lastSeq = lastSeq;
    this.steps = steps;
    this.running = running;
    this.failed = failed;
    this.terminal = terminal;
  }

  public String runId() {
    return runId;
  }

  public RunPlan plan() {
    return plan;
  }

  public String requestId() {
    return requestId;
  }

  public String principal() {
    return principal;
  }

  public Instant createTime() {
    return createTime;
  }

  /** When the run ended, or null while it runs. */
  public Instant endTime() {
    return endTime;
  }

  public RunStatus status() {
    return status;
  }

  /** Per-run sequence number of the last event folded in. */
  public long lastSeq() {
    return lastSeq;
  }

  /** Number of steps with a running attempt (each holds a slot). */
  public int runningCount() {
    return running;
  }

  /** UTF-8 bytes of the outputs the run's steps have recorded, keys and values. */
  public long outputBytes() {
    return outputBytes;
  }

  /** Whether every step has reached a terminal status. */
  public boolean allStepsTerminal() {
    return terminal == steps.length;
  }

  /** Number of steps that failed for good. */
  public int failedCount() {
    return failed;
  }

  /** The parameters, labels, rerun link and deadline the run was submitted with. */
  public RunInfo info() {
    return info;
  }

  /** Whether the run's deadline passed: it stops like a cancelled run and ends FAILED. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Whether a cancel was requested; no new attempt starts after it. */
  public boolean cancelRequested() {
    return status == RunStatus.RUN_STATUS_CANCELLING || status == RunStatus.RUN_STATUS_CANCELLED;
  }

  /** Whether the spec asks to stop everything after the first final failure, and one happened. */
  public boolean failingFast() {
    return failed > 0 && plan.spec().getFailFast();
  }

  /** Whether running attempts must be stopped: a cancel, a run timeout, or a fail-fast failure. */
  public boolean stopping() {
    return halted() || failingFast();
  }

  /** Whether nothing may start any more: a cancel, or the run's deadline passed. */
  public boolean halted() {
    return cancelRequested() || timedOut;
  }

  /**
   * Whether this step must not run on, or start: the run is halted, or it fails fast and the step
   * is not one that asks to run after a failure ({@code run_if}).
   */
  public boolean stops(StepState step) {
    return halted() || (failingFast() && !TriggerRules.runsAfterFailure(step.spec()));
  }

  public boolean isTerminal() {
    return switch (status) {
      case RUN_STATUS_SUCCEEDED, RUN_STATUS_FAILED, RUN_STATUS_CANCELLED -> true;
      default -> false;
    };
  }

  public int stepCount() {
    return steps.length;
  }

  public StepState step(int position) {
    return steps[position];
  }

  /** The step with this id, or null. */
  public StepState step(String stepId) {
    int position = plan.indexOf(stepId);
    return position < 0 ? null : steps[position];
  }

  /** The steps in spec order. */
  public List<StepState> steps() {
    // A view, not a copy: the array of a state handed out is never written again.
    return Collections.unmodifiableList(Arrays.asList(steps));
  }

  RunState withStep(int position, StepState next) {
    StepState previous = steps[position];
    StepState[] copy = scratch ? steps : Arrays.copyOf(steps, steps.length);
    copy[position] = next;
    int runningDelta = (next.isRunning() ? 1 : 0) - (previous.isRunning() ? 1 : 0);
    int failedDelta =
        (next.status() == StepStatus.STEP_STATUS_FAILED ? 1 : 0)
            - (previous.status() == StepStatus.STEP_STATUS_FAILED ? 1 : 0);
    int terminalDelta = (next.isTerminal() ? 1 : 0) - (previous.isTerminal() ? 1 : 0);
    long outputsDelta =
        next.outputs() == previous.outputs()
            ? 0
            : StepOutputs.bytes(next.outputs()) - StepOutputs.bytes(previous.outputs());
    return new RunState(
        runId,
        plan,
        requestId,
        principal,
        createTime,
        endTime,
        status,
        lastSeq,
        copy,
        running + runningDelta,
        failed + failedDelta,
        terminal + terminalDelta,
        outputBytes + outputsDelta,
        info,
        timedOut,
        scratch);
  }

  /** A private copy whose steps may be updated in place, for a replay. */
  RunState scratchCopy() {
    return new RunState(
        runId,
        plan,
        requestId,
        principal,
        createTime,
        endTime,
        status,
        lastSeq,
        Arrays.copyOf(steps, steps.length),
        running,
        failed,
        terminal,
        outputBytes,
        info,
        timedOut,
        true);
  }

  /** The state as a value again: later changes copy. */
  RunState sealed() {
    return scratch
        ? new RunState(
            runId,
            plan,
            requestId,
            principal,
            createTime,
            endTime,
            status,
            lastSeq,
            steps,
            running,
            failed,
            terminal,
            outputBytes,
            info,
            timedOut,
            false)
        : this;
  }

  RunState withStatus(RunStatus next, Instant end) {
    return new RunState(
        runId,
        plan,
        requestId,
        principal,
        createTime,
        end,
        next,
        lastSeq,
        steps,
        running,
        failed,
        terminal,
        outputBytes,
        info,
        timedOut,
        scratch);
  }

  RunState withTimedOut() {
    return new RunState(
        runId,
        plan,
        requestId,
        principal,
        createTime,
        endTime,
        status,
        lastSeq,
        steps,
        running,
        failed,
        terminal,
        outputBytes,
        info,
        true,
        scratch);
  }

  RunState withLastSeq(long seq) {
    return new RunState(
        runId,
        plan,
        requestId,
        principal,
        createTime,
        endTime,
        status,
        seq,
        steps,
        running,
        failed,
        terminal,
        outputBytes,
        info,
        timedOut,
        scratch);
  }
}
