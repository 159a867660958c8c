package dev.cairn.server.runtime;

import dev.cairn.v1.RunStatus;
import dev.cairn.v1.ScheduleDefinition;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the schedules need of the engine and the runs: the engine's normal submit and cancel paths,
 * and reads of the runs projection. {@link #of} is the server's; tests drive a real engine through
 * it on their own thread.
 */
public interface ScheduleRuns {

  /** Refuses (InvalidSpecException) a definition whose spec, parameters or labels would fail. */
  void check(ScheduleDefinition definition);

  /** Submits the run of a firing; completes once its RunSubmitted is durable. */
  CompletableFuture<Engine.Submitted> submit(
      ScheduleDefinition definition, String requestId, Instant nominal);

  /** Requests a cancel through the engine; completes once it is durable. */
  CompletableFuture<RunStatus> cancel(String runId, String reason);

  /** The run's status in the runs projection; empty when there is no such run (removed). */
  Optional<RunStatus> status(String runId);

  /** The run a submit with this request id created, if any. */
  Optional<String> runForRequest(String requestId);

  /** The server's: the engine and its store. */
  static ScheduleRuns of(Engine engine, dev.cairn.server.store.EventStore store) {
    return new ScheduleRuns() {
      @Override
      public void check(ScheduleDefinition definition) {
        engine.validate(definition.getSpec());
        dev.cairn.workflow.spec.Params.resolve(definition.getSpec(), definition.getParamsMap());
        dev.cairn.workflow.spec.RunFeatures.checkSubmitLabels(definition.getLabelsMap());
      }

      @Override
      public CompletableFuture<Engine.Submitted> submit(
          ScheduleDefinition definition, String requestId, Instant nominal) {
        return engine.submitScheduled(
            definition.getSpec(),
            requestId,
            definition.getParamsMap(),
            definition.getLabelsMap(),
            definition.getScheduleId(),
            nominal);
      }

      @Override
      public CompletableFuture<RunStatus> cancel(String runId, String reason) {
        return engine.cancel(runId, reason, "schedule");
      }

      @Override
      public Optional<RunStatus> status(String runId) {
        return store.findRun(runId).map(dev.cairn.v1.RunSummary::getStatus);
      }

      @Override
      public Optional<String> runForRequest(String requestId) {
        return store.runIdForRequest(requestId);
      }
    };
  }
}
