package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.RunStatus;
import dev.cairn.v1.WorkflowSpec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The specs of runs not yet ended stay in memory: past a budget a submit is refused, before it is
 * recorded, and taken again once runs have ended.
 */
class LiveSpecBudgetTest {
  private final ShellHarness shell = new ShellHarness();

  @Test
  void aSubmitPastTheBudgetIsRefusedUntilARunEnds() throws Exception {
    WorkflowSpec spec = spec(step("a"));
    shell.engine.limitLiveSpecBytes(2L * LiveRuns.memoryOf(spec));
    shell.started();
    String first = shell.submit(spec);
    shell.submit(spec);

    CompletableFuture<Engine.Submitted> third = shell.engine.submit(spec, "", "test");
    shell.drain();
    assertThat(third).isCompletedExceptionally();
    assertThat(catchCause(third)).isInstanceOf(LiveRunsOverBudgetException.class);
    assertThat(shell.engine.liveRuns()).isEqualTo(2);

    ScriptedRunner.Launch a = shell.runner.launch(first, "a");
    shell.then(a::started);
    shell.then(() -> a.exited(0, 0));
    assertThat(shell.status(first)).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(shell.submit(spec)).isNotEmpty();
  }

  /** A run's steps count, beyond its spec's bytes: their state is what fills the heap. */
  @Test
  void aRunIsReckonedByItsStepsAsWellAsItsSpec() {
    WorkflowSpec.Builder many = spec(step("a")).toBuilder();
    for (int i = 0; i < 999; i++) {
      many.addSteps(step("s" + i));
    }
    WorkflowSpec spec = many.build();
    assertThat(LiveRuns.memoryOf(spec))
        .isGreaterThanOrEqualTo(spec.getSerializedSize() + 1000 * 512);
  }

  private static Throwable catchCause(CompletableFuture<?> future) {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }
}
