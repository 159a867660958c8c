package dev.cairn.server.runtime;

import dev.cairn.server.engine.Trigger;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.WorkflowSpec;
import java.util.concurrent.CompletableFuture;

/** What reaches the engine thread through its queue. */
sealed interface Input {
  /** Fails whatever waits on this input. */
  default void fail(RuntimeException error) {}

  /** A client's submit, acknowledged after RunSubmitted commits. */
  record Submit(Trigger.Submit submit, CompletableFuture<Engine.Submitted> future)
      implements Input {
    WorkflowSpec spec() {
      return submit.spec();
    }

    String requestId() {
      return submit.requestId();
    }

    @Override
    public void fail(RuntimeException error) {
      future.completeExceptionally(error);
    }
  }

  /**
   * A client's rerun of a finished run, acknowledged after the new run's RunSubmitted commits.
   *
   * @param steps the steps to run again (with their downstream); empty for every step that did not
   *     succeed
   * @param params parameter values that replace the original run's
   */
  record Rerun(
      String runId,
      java.util.List<String> steps,
      String requestId,
      String principal,
      java.util.Map<String, String> params,
      CompletableFuture<Engine.Rerunning> future)
      implements Input {
    public Rerun {
      steps = java.util.List.copyOf(steps);
      params = java.util.Map.copyOf(params);
    }

    @Override
    public void fail(RuntimeException error) {
      future.completeExceptionally(error);
    }
  }

  /** A client's cancel, acknowledged after RunCancelRequested commits. */
  record Cancel(String runId, String reason, String principal, CompletableFuture<RunStatus> future)
      implements Input {
    @Override
    public void fail(RuntimeException error) {
      future.completeExceptionally(error);
    }
  }

  /** A trigger for one run: a process exit, a start, a timeout. */
  record Fire(String runId, Trigger trigger) implements Input {}

  /** The server is shutting down: stop every attempt and record it as interrupted. */
  record Shutdown() implements Input {}

  /**
   * Look at every live run in the next scheduling pass, and resume every stopping one (see {@code
   * Trigger.Resume}): the engine starts, or a retry after a full disk.
   */
  record Wakeup() implements Input {}

  /** A retry of the run fell due: look at it in the next scheduling pass. */
  record RetryDue(String runId) implements Input {}

  /**
   * This node took over the run (its lease, at a higher epoch) and read its log after: recover it
   * as a start does, recording the attempts that were running LOST.
   */
  record Adopt(String runId, java.util.List<dev.cairn.v1.Event> log) implements Input {
    public Adopt {
      log = java.util.List.copyOf(log);
    }
  }

  /**
   * These runs are no longer this node's (their leases expired or were taken): kill their processes
   * and forget them, appending nothing for them.
   */
  record Drop(java.util.Set<String> runIds, String reason) implements Input {
    public Drop {
      runIds = java.util.Set.copyOf(runIds);
    }
  }
}
