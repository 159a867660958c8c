package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Trigger;
import dev.cairn.v1.CarriedStep;
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
}
