package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUCCEEDED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.v1.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The commit-window policy, with a window long enough that only the policy's other reasons commit:
 * a client waiting, nothing running, a shutdown. Nothing reaches a watcher before its commit.
 */
class GroupCommitTest {
  private final ShellHarness shell =
      new ShellHarness(new InMemoryEventStore.Log(), Duration.ofHours(1)).started();
  private final EventBroadcaster.Subscription watcher = subscribed(shell.broadcaster);

  /** A watcher whose queue takes every event published from now on. */
  private static EventBroadcaster.Subscription subscribed(EventBroadcaster broadcaster) {
    EventBroadcaster.Subscription subscription = broadcaster.subscribe("", () -> {});
    subscription.resume();
    return subscription;
  }

  private List<Event.PayloadCase> watched() throws InterruptedException {
    List<Event.PayloadCase> seen = new ArrayList<>();
    for (Event event; (event = watcher.poll()) != null; ) {
      seen.add(event.getPayloadCase());
    }
    return seen;
  }

  @Test
  void aClientWaitingCommitsInTheSamePass() throws InterruptedException {
    CompletableFuture<Engine.Submitted> submitted =
        shell.engine.submit(spec(step("a")), "", "test");
    shell.onePass();

    assertThat(submitted).isCompleted();
    assertThat(watched()).containsExactly(RUN_SUBMITTED);
  }

  @Test
  void whileAttemptsRunDecidedEventsWaitForTheWindowAndAreActedOnMeanwhile()
      throws InterruptedException {
    String run = shell.submit(spec(step("a"), step("b", "a"), step("c")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    ScriptedRunner.Launch c = shell.runner.launch(run, "c");
    shell.then(c::started);
    watched();

    a.started();
    a.exited(0, 0);
    shell.onePass();

    // c runs, so the window holds a's events back; b starts all the same.
    assertThat(watched()).isEmpty();
    assertThat(shell.history(run)).containsExactly(RUN_SUBMITTED, STEP_STARTED);
    assertThat(shell.runner.launch(run, "b").attempt).isEqualTo(1);
  }

  @Test
  void whenNothingRunsTheLastEventsAreCommittedAtOnce() throws InterruptedException {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    a.started();
    a.exited(0, 0);
    watched();

    shell.onePass();

    assertThat(watched()).containsExactly(STEP_STARTED, STEP_SUCCEEDED, RUN_SUCCEEDED);
  }
}
