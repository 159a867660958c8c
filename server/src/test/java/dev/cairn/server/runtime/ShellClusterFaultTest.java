package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUCCEEDED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.RequestIdTakenException;
import dev.cairn.server.store.StoreFencedException;
import dev.cairn.server.store.StoreUnreachableException;
import dev.cairn.v1.RunStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * What the shell does on a node of a cluster when the database is out of reach, when an append is
 * fenced, and when the node fences itself: it never halts, never records what it no longer owns,
 * and loses nothing it acknowledged.
 */
class ShellClusterFaultTest {
  private final ShellHarness shell = new ShellHarness().started();

  @Test
  void anUnreachableDatabaseKeepsWhatWasDecidedAndCommitsItOnceBack() {
    shell.engine.retryUnreachableAfter(Duration.ZERO);
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    shell.store.failAppends(() -> new StoreUnreachableException("connection refused", null, true));

    shell.then(() -> a.exited(0, 0));
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, STEP_STARTED);
    assertThat(shell.engine.storeUnreachable()).isTrue();
    // A new command is refused at once, as UNAVAILABLE, rather than queued behind the database.
    assertThatThrownBy(() -> shell.engine.submit(spec(step("b")), "", "test"))
        .isInstanceOf(StoreUnavailableException.class);
    // A submit queued before the database went away waits for it with what was decided before.
    CompletableFuture<Engine.Submitted> waiting = new CompletableFuture<>();
    shell
        .engine
        .inboxForTests()
        .add(
            new Input.Submit(
                new dev.cairn.server.engine.Trigger.Submit(spec(step("c")), "req-c", "test"),
                waiting));
    shell.drain();
    assertThat(waiting).isNotDone();

    shell.store.failAppends(null);
    shell.drain();
    assertThat(shell.fatal).isNotDone();
    assertThat(shell.engine.storeUnreachable()).isFalse();
    assertThat(shell.history(run))
        .containsExactly(RUN_SUBMITTED, STEP_STARTED, STEP_SUCCEEDED, RUN_SUCCEEDED);
    assertThat(waiting).isCompleted();
    assertThat(shell.status(waiting.join().runId())).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(shell.submit(spec(step("d")))).isNotEmpty();
  }

  @Test
  void aFencedAppendDropsThatRunAndKillsItsProcessesWithoutHalting() {
    String lost = shell.submit(spec(step("a"), step("b")));
    ScriptedRunner.Launch a = shell.runner.launch(lost, "a");
    ScriptedRunner.Launch b = shell.runner.launch(lost, "b");
    shell.then(a::started);
    shell.then(b::started);
    shell.store.failAppends(() -> new StoreFencedException("taken over", Set.of(lost)));

    shell.then(() -> a.exited(0, 0));
    assertThat(shell.fatal).isNotDone();
    assertThat(shell.runner.kills).contains(b.marker);
    assertThat(shell.engine.nodeRuns().liveRunIds()).doesNotContain(lost);
    assertThat(shell.history(lost)).containsExactly(RUN_SUBMITTED, STEP_STARTED, STEP_STARTED);

    shell.store.failAppends(null);
    shell.advance(Duration.ZERO);
    shell.then(() -> b.exited(0, 9));
    // Nothing more is recorded for the run this node lost, and other runs go on.
    assertThat(shell.history(lost)).containsExactly(RUN_SUBMITTED, STEP_STARTED, STEP_STARTED);
    String other = shell.submit(spec(step("c")));
    ScriptedRunner.Launch c = shell.runner.launch(other, "c");
    shell.then(c::started);
    shell.then(() -> c.exited(0, 0));
    assertThat(shell.status(other)).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
  }

  @Test
  void aRequestIdAnotherServerTookFirstIsAnsweredUnavailableWithoutHalting() {
    shell.store.failAppends(
        () -> new RequestIdTakenException("request_id req-1 was already used by run elsewhere"));
    CompletableFuture<Engine.Submitted> raced =
        shell.engine.submit(spec(step("a")), "req-1", "test");
    shell.drain();
    assertThatThrownBy(raced::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(shell.fatal).isNotDone();
    assertThat(shell.runner.launches).isEmpty();

    shell.store.failAppends(null);
    assertThat(shell.submit(spec(step("b")), "req-2")).isNotEmpty();
  }

  @Test
  void aFencedNodeForgetsItsRunsBeforeItDecidesAnyExitAndTakesNoSubmitUntilItJoinsAgain() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);

    assertThat(shell.engine.nodeRuns().fence(Duration.ofSeconds(1))).isTrue();
    // The stop the fence sent ends the process; its exit is not recorded as a failure.
    shell.then(() -> a.exited(0, 15));
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, STEP_STARTED);
    assertThat(shell.engine.nodeRuns().liveRunIds()).isEmpty();
    assertThat(shell.engine.nodeRuns().fenceSettled()).isTrue();

    CompletableFuture<Engine.Submitted> refused = shell.engine.submit(spec(step("b")), "", "test");
    shell.drain();
    assertThatThrownBy(refused::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreUnavailableException.class);

    shell.engine.nodeRuns().unfence();
    assertThat(shell.submit(spec(step("b")))).isNotEmpty();
    assertThat(shell.fatal).isNotDone();
  }
}
