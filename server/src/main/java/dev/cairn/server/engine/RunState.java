package dev.cairn.server.engine;

import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.Arrays;
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
      int failed) {
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
        false);
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
      boolean scratch) {
    this.scratch = scratch;
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

  /** Number of steps that failed for good. */
  public int failedCount() {
    return failed;
  }

  /** Whether a cancel was requested; no new attempt starts after it. */
  public boolean cancelRequested() {
    return status == RunStatus.RUN_STATUS_CANCELLING || status == RunStatus.RUN_STATUS_CANCELLED;
  }

  /** Whether the spec asks to stop everything after the first final failure, and one happened. */
  public boolean failingFast() {
    return failed > 0 && plan.spec().getFailFast();
  }

  /** Whether running attempts must be stopped: a cancel, or a fail-fast failure. */
  public boolean stopping() {
    return cancelRequested() || failingFast();
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
    return java.util.Collections.unmodifiableList(Arrays.asList(steps));
  }

  RunState withStep(int position, StepState next) {
    StepState previous = steps[position];
    StepState[] copy = scratch ? steps : Arrays.copyOf(steps, steps.length);
    copy[position] = next;
    int runningDelta = (next.isRunning() ? 1 : 0) - (previous.isRunning() ? 1 : 0);
    int failedDelta =
        (next.status() == StepStatus.STEP_STATUS_FAILED ? 1 : 0)
            - (previous.status() == StepStatus.STEP_STATUS_FAILED ? 1 : 0);
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
        scratch);
  }
}
