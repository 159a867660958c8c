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
  void aRequestIdReusedWithAnotherSpecIsRefusedNamingTheRun() {
    String run = shell.submit(spec(step("a")), "req");
    // While the run is live, and after it ended (read back from its first event).
    CompletableFuture<Engine.Submitted> live = shell.engine.submit(spec(step("b")), "req", "t");
    shell.drain();
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    shell.then(() -> a.exited(0, 0));
    CompletableFuture<Engine.Submitted> ended = shell.engine.submit(spec(step("b")), "req", "t");
    shell.drain();

    for (CompletableFuture<Engine.Submitted> refused : java.util.List.of(live, ended)) {
      Assertions.assertThatThrownBy(refused::join)
          .hasCauseInstanceOf(RequestIdReusedException.class)
          .hasMessageContaining("request id 'req' was already used for run " + run);
    }
    CompletableFuture<Engine.Submitted> same = shell.engine.submit(spec(step("a")), "req", "t");
    shell.drain();
    assertThat(same).isCompletedWithValue(new Engine.Submitted(run, true));
  }

  @Test
  void aRequestIdReusedWithOtherParametersOrLabelsIsRefused() {
    var spec =
        spec(step("a")).toBuilder()
            .addParams(dev.cairn.v1.ParamSpec.newBuilder().setName("who").setDefaultValue("x"))
            .build();
    String run = shell.submit(spec, "req");
    CompletableFuture<Engine.Submitted> params =
        shell.engine.submit(spec, "req", "t", java.util.Map.of("who", "y"), java.util.Map.of());
    CompletableFuture<Engine.Submitted> labels =
        shell.engine.submit(spec, "req", "t", java.util.Map.of(), java.util.Map.of("k", "v"));
    CompletableFuture<Engine.Submitted> same =
        shell.engine.submit(spec, "req", "t", java.util.Map.of("who", "x"), java.util.Map.of());
    shell.drain();

    for (CompletableFuture<Engine.Submitted> refused : java.util.List.of(params, labels)) {
      Assertions.assertThatThrownBy(refused::join)
          .hasCauseInstanceOf(RequestIdReusedException.class);
    }
    assertThat(same).isCompletedWithValue(new Engine.Submitted(run, true));
  }

  @Test
  void aRequestIdReusedWithAnotherSpecInOneBatchIsRefused() {
    CompletableFuture<Engine.Submitted> first = shell.engine.submit(spec(step("a")), "req", "t");
    CompletableFuture<Engine.Submitted> other = shell.engine.submit(spec(step("b")), "req", "t");
    shell.onePass();

    assertThat(first.join().existing()).isFalse();
    Assertions.assertThatThrownBy(other::join).hasCauseInstanceOf(RequestIdReusedException.class);
    assertThat(shell.store.lastGlobalSeq()).isEqualTo(1);
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
