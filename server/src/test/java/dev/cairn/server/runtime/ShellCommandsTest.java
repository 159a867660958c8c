package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.RunStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Client commands through the shell: request-id dedup within a batch and across, cancels. */
class ShellCommandsTest {
  private final ShellHarness shell = new ShellHarness().started();

  @Test
  void twoSubmitsWithOneRequestIdInOneBatchCreateOneRun() {
    CompletableFuture<Engine.Submitted> first = shell.engine.submit(spec(step("a")), "req", "t");
    CompletableFuture<Engine.Submitted> second = shell.engine.submit(spec(step("a")), "req", "t");
    shell.onePass();

    assertThat(first.join().existing()).isFalse();
    assertThat(second.join()).isEqualTo(new Engine.Submitted(first.join().runId(), true));
    assertThat(shell.store.lastGlobalSeq()).isEqualTo(1);
  }

  @Test
  void aRepeatedRequestIdInALaterBatchFindsTheRunInTheStore() {
    String run = shell.submit(spec(step("a")), "req");

    CompletableFuture<Engine.Submitted> again = shell.engine.submit(spec(step("a")), "req", "t");
    shell.drain();

    assertThat(again.join()).isEqualTo(new Engine.Submitted(run, true));
    assertThat(shell.runner.launches).hasSize(1);
  }

  @Test
  void aCancelOfAFinishedRunAnswersItsStatusAndOfAnUnknownRunFails() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    shell.then(() -> a.exited(0, 0));

    assertThat(shell.cancel(run)).isCompletedWithValue(RunStatus.RUN_STATUS_SUCCEEDED);
    CompletableFuture<RunStatus> unknown = shell.cancel("no-such-run");
    Assertions.assertThatThrownBy(unknown::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(RunNotFoundException.class);
  }

  @Test
  void aSecondCancelChangesNothing() {
    String run = shell.submit(spec(step("a")));
    shell.then(shell.runner.launch(run, "a")::started);
    shell.cancel(run);
    int events = shell.history(run).size();

    assertThat(shell.cancel(run)).isCompletedWithValue(RunStatus.RUN_STATUS_CANCELLING);
    assertThat(shell.history(run)).hasSize(events);
    assertThat(shell.runner.stops).hasSize(1);
  }
}
