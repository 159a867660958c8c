package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_CANCELLED;
import static dev.cairn.v1.Event.PayloadCase.RUN_CANCEL_REQUESTED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_CANCELLED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreFullException;
import dev.cairn.v1.RunStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * What the shell does when a commit fails: a full disk rolls back and decides the lost work again
 * once space returns (9d9a17a, 07c17e4); any other store failure ends the server.
 */
class ShellStoreFaultTest {
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final ShellHarness shell = new ShellHarness().started();

  private void diskFull() {
    shell.store.failAppends(() -> new StoreFullException("database or disk is full", null));
  }

  private void spaceReturns() {
    shell.store.failAppends(null);
  }

  @Test
  void aLaunchLostToAFailedCommitIsSettledWhenTheEngineResumes() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.cancel(run);
    diskFull();

    shell.then(a::started);
    // The start was never durable: its process is killed, and nothing launches the step again.
    assertThat(shell.runner.kills).containsExactly(a.marker);
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, RUN_CANCEL_REQUESTED);
    assertThat(shell.engine.runningAttempts()).isZero();

    spaceReturns();
    shell.advance(RETRY_PAUSE);

    assertThat(shell.history(run))
        .containsExactly(RUN_SUBMITTED, RUN_CANCEL_REQUESTED, STEP_CANCELLED, RUN_CANCELLED);
    assertThat(shell.runner.launches).hasSize(1);
  }

  @Test
  void theRetryAfterAFullDiskStartsAStepWhoseStartWasRolledBack() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch first = shell.runner.launch(run, "a");
    diskFull();
    shell.then(first::started);
    assertThat(shell.runner.kills).containsExactly(first.marker);

    spaceReturns();
    // The pass of the retry decides nothing itself; the step must start all the same.
    shell.advance(RETRY_PAUSE);

    assertThat(shell.runner.launches).hasSize(2);
    ScriptedRunner.Launch again = shell.runner.launch(run, "a");
    assertThat(again.attempt).isEqualTo(1);
    shell.then(again::started);
    shell.then(() -> again.exited(0, 0));
    assertThat(shell.status(run)).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
  }

  @Test
  void eachFailedRetryLeavesOneWakeupNotOneMoreThanBefore() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.cancel(run);
    diskFull();
    shell.then(a::started);

    for (int retry = 0; retry < 3; retry++) {
      assertThat(shell.timers.waiting()).hasSize(1);
      // The stopping run is resumed and decides its end; the commit fails again.
      shell.advance(RETRY_PAUSE);
    }
    assertThat(shell.timers.waiting()).hasSize(1);

    spaceReturns();
    shell.advance(RETRY_PAUSE);
    assertThat(shell.status(run)).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    assertThat(shell.timers.waiting()).isEmpty();
  }

  @Test
  void anExitLostToAFullDiskIsDecidedAgainOnceSpaceReturns() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    diskFull();

    shell.then(() -> a.exited(0, 0));
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, STEP_STARTED);

    spaceReturns();
    shell.advance(RETRY_PAUSE);
    assertThat(shell.history(run))
        .endsWith(STEP_SUCCEEDED, dev.cairn.v1.Event.PayloadCase.RUN_SUCCEEDED);
  }

  @Test
  void aSubmitOnAFullDiskFailsAndCreatesNoRun() {
    diskFull();
    CompletableFuture<Engine.Submitted> submitted =
        shell.engine.submit(spec(step("a")), "req-1", "test");
    shell.drain();

    Assertions.assertThatThrownBy(submitted::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(shell.runner.launches).isEmpty();
    assertThat(shell.fatal).isNotDone();
  }

  @Test
  void recoveryThatCannotRecordTheAttemptsItFoundRunningDoesNotStartTheEngine() {
    String run = shell.submit(spec(step("a")));
    shell.then(shell.runner.launch(run, "a")::started);
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, STEP_STARTED);

    ShellHarness restarted = new ShellHarness(shell.log);
    restarted.store.failAppends(() -> new StoreFullException("database or disk is full", null));

    assertThat(restarted.engine.loop().recovered()).isFalse();
    assertThat(restarted.engine.recoveryFailed()).isTrue();
  }

  @Test
  void anyOtherStoreFailureEndsTheServer() {
    StoreException broken = new StoreException("disk I/O error");
    shell.store.failAppends(() -> broken);

    CompletableFuture<Engine.Submitted> submitted =
        shell.engine.submit(spec(step("a")), "", "test");
    shell.drain();

    assertThat(shell.fatal).isCompletedWithValue(broken);
    assertThat(submitted).isCompletedExceptionally();
  }
}
