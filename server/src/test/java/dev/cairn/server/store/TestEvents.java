package dev.cairn.server.store;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunCancelRequested;
import dev.cairn.v1.RunCancelled;
import dev.cairn.v1.RunFailed;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.RunSucceeded;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.WorkflowSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds events the way the engine would: each run's run_seq continues from 1 and every event gets
 * a later time. Times are whole microseconds, the precision of the runs projection.
 */
public final class TestEvents {

  private static final long BASE_EPOCH_SECOND = 1_767_225_600L;

  private final Map<String, Long> lastRunSeqs = new HashMap<>();
  private long ticks;

  /** A run's RunSubmitted with a one-step spec of the given workflow name. */
  public Event submitted(String runId, String name) {
    return submitted(runId, name, "");
  }

  public Event submitted(String runId, String name, String requestId) {
    WorkflowSpec spec =
        WorkflowSpec.newBuilder()
            .setName(name)
            .addSteps(StepSpec.newBuilder().setId("build").setRun("make"))
            .build();
    return next(
        runId,
        event ->
            event.setRunSubmitted(
                RunSubmitted.newBuilder()
                    .setSpec(spec)
                    .setRequestId(requestId)
                    .setPrincipal("tester")));
  }

  public Event stepStarted(String runId, String stepId) {
    return next(
        runId,
        event ->
            event.setStepStarted(
                StepStarted.newBuilder().setStepId(stepId).setAttempt(1).setPid(4242)));
  }

  public Event stepFailed(String runId, String stepId) {
    return next(
        runId,
        event ->
            event.setStepFailed(
                StepFailed.newBuilder()
                    .setStepId(stepId)
                    .setAttempt(1)
                    .setReason(FailureReason.FAILURE_REASON_EXIT_CODE)
                    .setExitCode(2)));
  }

  public Event cancelRequested(String runId) {
    return next(
        runId,
        event -> event.setRunCancelRequested(RunCancelRequested.newBuilder().setReason("test")));
  }

  public Event succeeded(String runId) {
    return next(runId, event -> event.setRunSucceeded(RunSucceeded.getDefaultInstance()));
  }

  public Event failed(String runId) {
    return next(runId, event -> event.setRunFailed(RunFailed.newBuilder().addFailedStepIds("x")));
  }

  public Event cancelled(String runId) {
    return next(runId, event -> event.setRunCancelled(RunCancelled.getDefaultInstance()));
  }

  /** An event continuing the run's sequence, with its payload set by the caller. */
  public Event next(String runId, UnaryOperator<Event.Builder> payload) {
    long runSeq = lastRunSeqs.merge(runId, 1L, Long::sum);
    return payload
        .apply(Event.newBuilder().setRunId(runId).setRunSeq(runSeq).setTime(nextTime()))
        .build();
  }

  /** A time one second and some microseconds after the previous one. */
  public Timestamp nextTime() {
    ticks++;
    return Timestamp.newBuilder()
        .setSeconds(BASE_EPOCH_SECOND + ticks)
        .setNanos((int) (ticks % 1000) * 1000 + 7000)
        .build();
  }

  /** An event with an explicit run_seq, for building batches that do not continue a run. */
  public static Event at(Event event, long runSeq) {
    return event.toBuilder().setRunSeq(runSeq).build();
  }
}
