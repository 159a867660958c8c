package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.store.InMemoryEventStore;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.TestEvents;
import dev.cairn.v1.CarriedStep;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunQueriesTest {
  @Test
  void theLogsOfAKeptStepAreThoseOfTheRunThatProducedIt() {
    RunState rerun =
        Decider.decide(
                "run-2",
                null,
                new Trigger.Submit(
                    spec(step("a"), step("b", "a")),
                    "",
                    "t",
                    Map.of(),
                    Map.of(),
                    "run-1",
                    List.of(
                        CarriedStep.newBuilder()
                            .setStepId("a")
                            .setStatus(StepStatus.STEP_STATUS_SUCCEEDED)
                            .setFromRunId("run-1")
                            .build())),
                Instant.parse("2026-01-01T00:00:00Z"))
            .state();

    assertThatThrownBy(() -> RunQueries.attempt(rerun, "a", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 'a' was kept from run run-1; its output is there: cairn logs run-1 a");
  }

  /** An ended run is folded once; a rerun made later is linked, and a removal is seen at once. */
  @Test
  void anEndedRunIsKeptWhileTheStoreHoldsItWithItsRerunsReadAgain() {
    InMemoryEventStore store = new InMemoryEventStore();
    TestEvents events = new TestEvents();
    store.append(
        List.of(
            events.submitted("r-1", "w"),
            events.stepStarted("r-1", "build"),
            events.stepFailed("r-1", "build"),
            events.failed("r-1")));
    RunQueries queries = new RunQueries(store);

    Run first = queries.get("r-1");
    assertThat(first.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(first.getRerunRunIdsList()).isEmpty();

    store.append(
        List.of(
            events.next(
                "r-2",
                event ->
                    event.setRunSubmitted(
                        events.submitted("ignored", "w").getRunSubmitted().toBuilder()
                            .setRerunOf("r-1")))));
    assertThat(queries.get("r-1").getRerunRunIdsList()).containsExactly("r-2");
    assertThat(queries.get("r-1").getRerunRunIdsList()).containsExactly("r-2");

    store.removeRun("r-1", RemovedRun.Cause.DELETE, Instant.parse("2026-02-01T00:00:00Z"));
    assertThatThrownBy(() -> queries.get("r-1")).isInstanceOf(RunRemovedException.class);
  }

  /** A fold moved on by the events since is the fold of them all. */
  @Test
  void advancingAFoldReadsTheEventsSinceAndMatchesAFullFold() {
    InMemoryEventStore store = new InMemoryEventStore();
    TestEvents events = new TestEvents();
    store.append(List.of(events.submitted("r-1", "w")));
    RunQueries queries = new RunQueries(store);
    RunState before = queries.state("r-1");
    assertThat(queries.advance(before)).isSameAs(before);

    store.append(List.of(events.stepStarted("r-1", "build"), events.stepFailed("r-1", "build")));
    RunState after = queries.advance(before);
    assertThat(after.lastSeq()).isEqualTo(3);
    assertThat(after.step("build").status()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
    assertThat(after.lastSeq()).isEqualTo(queries.state("r-1").lastSeq());
  }
}
