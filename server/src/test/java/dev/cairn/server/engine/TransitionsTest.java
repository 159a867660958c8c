package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunCancelRequested;
import dev.cairn.v1.RunSucceeded;
import dev.cairn.v1.StepCancelled;
import dev.cairn.v1.StepRetryScheduled;
import dev.cairn.v1.StepSkipped;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepSucceeded;
import dev.cairn.v1.StepTimedOut;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Folding an illegal history fails and names the event and the state; a legal one folds. */
class TransitionsTest {
  private final RunFixture run = new RunFixture();

  private List<Event> historyPlus(Consumer<Event.Builder> payload) {
    List<Event> events = new ArrayList<>(run.history);
    Event.Builder event =
        Event.newBuilder().setRunId(RunFixture.RUN).setRunSeq(run.history.size() + 1);
    payload.accept(event);
    events.add(event.build());
    return events;
  }

  @Test
  void aSuccessForAPendingStepIsRefusedNamingTheEventAndTheState() {
    run.submitted(spec(step("a"), step("b", "a")));
    List<Event> illegal =
        historyPlus(
            e -> e.setStepSucceeded(StepSucceeded.newBuilder().setStepId("b").setAttempt(1)));
    assertThatThrownBy(() -> Evolver.replay(illegal))
        .isInstanceOf(IllegalHistoryException.class)
        .hasMessageContaining("event 2 (STEP_SUCCEEDED)")
        .hasMessageContaining("step 'b' is PENDING");
  }

  @Test
  void aStartNamingTheWrongAttemptIsRefused() {
    run.submitted(spec(step("a")));
    List<Event> illegal =
        historyPlus(e -> e.setStepStarted(StepStarted.newBuilder().setStepId("a").setAttempt(3)));
    assertThatThrownBy(() -> Evolver.replay(illegal))
        .isInstanceOf(IllegalHistoryException.class)
        .hasMessageContaining("STEP_STARTED")
        .hasMessageContaining("names attempt 3")
        .hasMessageContaining("takes attempt 1");
  }

  @Test
  void aRunCannotSucceedWhileAStepRuns() {
    run.submitted(spec(step("a")));
    run.startReady(1);
    List<Event> illegal = historyPlus(e -> e.setRunSucceeded(RunSucceeded.getDefaultInstance()));
    assertThatThrownBy(() -> Evolver.replay(illegal))
        .isInstanceOf(IllegalHistoryException.class)
        .hasMessageContaining("RUN_SUCCEEDED")
        .hasMessageContaining("step 'a' is still RUNNING");
  }

  @Test
  void nothingFollowsTheTerminalEvent() {
    run.submitted(spec(step("a")));
    run.startReady(1);
    run.exited("a", 1, 0);
    List<Event> illegal =
        historyPlus(e -> e.setRunCancelRequested(RunCancelRequested.getDefaultInstance()));
    assertThatThrownBy(() -> Evolver.replay(illegal))
        .isInstanceOf(IllegalHistoryException.class)
        .hasMessageContaining("RUN_CANCEL_REQUESTED")
        .hasMessageContaining("already SUCCEEDED");
  }

  @Test
  void eachStepEventIsRefusedFromAStateItDoesNotLeave() {
    run.submitted(spec(step("a"), step("b", "a")));
    run.startReady(1);
    run.exited("a", 1, 0);
    List<Consumer<Event.Builder>> fromSucceeded =
        List.of(
            e -> e.setStepTimedOut(StepTimedOut.newBuilder().setStepId("a").setAttempt(1)),
            e -> e.setStepSkipped(StepSkipped.newBuilder().setStepId("a").setCauseStepId("b")),
            e -> e.setStepCancelled(StepCancelled.newBuilder().setStepId("a")),
            e ->
                e.setStepRetryScheduled(
                    StepRetryScheduled.newBuilder().setStepId("a").setNextAttempt(2)),
            e -> e.setStepStarted(StepStarted.newBuilder().setStepId("a").setAttempt(2)));
    for (Consumer<Event.Builder> payload : fromSucceeded) {
      assertThatThrownBy(() -> Evolver.replay(historyPlus(payload)))
          .isInstanceOf(IllegalHistoryException.class)
          .hasMessageContaining("step 'a' is SUCCEEDED");
    }
  }

  @Test
  void anEventForAStepTheRunDoesNotHaveIsRefused() {
    run.submitted(spec(step("a")));
    List<Event> illegal =
        historyPlus(
            e -> e.setStepStarted(StepStarted.newBuilder().setStepId("ghost").setAttempt(1)));
    assertThatThrownBy(() -> Evolver.replay(illegal))
        .isInstanceOf(IllegalHistoryException.class)
        .hasMessageContaining("no step 'ghost'");
  }

  @Test
  void aLegalHistoryWithRetriesCancelsAndTimeoutsFolds() {
    run.submitted(
        spec(
            step("a").toBuilder()
                .setRetry(RunFixture.retry(3, java.time.Duration.ZERO, 1.0, 0))
                .build(),
            step("b")));
    run.startReady(2);
    run.exited("a", 1, 1);
    run.startReady(2);
    run.when(new Trigger.Cancel("enough", "test"));
    run.exited("a", 2, 143);
    run.exited("b", 1, 143);
    assertThat(Evolver.replay(run.history).isTerminal()).isTrue();
  }
}
