package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.v1.CarriedStep;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.InvalidSpecException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RerunsTest {
  private static final WorkflowSpec DIAMOND =
      spec(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c"));

  /** A diamond whose branch c failed: a and b succeeded, d was skipped. */
  private static RunState failedDiamond() {
    RunFixture run = new RunFixture();
    run.submitted(DIAMOND);
    run.startReady(10);
    run.when(
        new Trigger.AttemptExited("a", 1, 0, 0, 0, false, Duration.ZERO, Map.of("v", "1"), ""));
    run.startReady(10);
    run.exited("b", 1, 0);
    run.exited("c", 1, 1);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    return run.state;
  }

  private static RunFixture rerun(RunState original, Reruns.Plan plan) {
    RunFixture rerun = new RunFixture();
    rerun.when(
        new Trigger.Submit(
            original.plan().spec(),
            "",
            "test",
            Map.of(),
            Map.of(),
            original.runId(),
            plan.carried()));
    return rerun;
  }

  @Test
  void withNoStepNamedTheStepsThatDidNotSucceedRunAgain() {
    RunState original = failedDiamond();
    Reruns.Plan plan = Reruns.plan(original, List.of());
    assertThat(plan.rerun()).containsExactly("c", "d");
    assertThat(plan.carried()).extracting(CarriedStep::getStepId).containsExactly("a", "b");
    assertThat(plan.carried().get(0).getOutputsMap()).containsEntry("v", "1");

    RunFixture rerun = rerun(original, plan);
    assertThat(rerun.decidedTypes()).containsExactly(RUN_SUBMITTED);
    assertThat(rerun.decided.get(0).getRunSubmitted().getRerunOf()).isEqualTo(RunFixture.RUN);
    assertThat(rerun.step("a").status()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(rerun.step("a").carriedFrom()).isEqualTo(RunFixture.RUN);
    assertThat(rerun.step("a").outputs()).containsEntry("v", "1");
    // Only the failed step starts: no process for what carried over.
    assertThat(rerun.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("c");
    rerun.exited("c", 1, 0);
    assertThat(rerun.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("d");
    rerun.exited("d", 1, 0);
    assertThat(rerun.state.status()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    // The carried attempts are the original ones; the rerun has no attempt 2 of a.
    assertThat(rerun.step("a").attempts()).hasSize(1);
    assertThat(RunView.of(rerun.state).getRerunOf()).isEqualTo(RunFixture.RUN);
  }

  @Test
  void aNamedStepRunsAgainWithItsDownstreamOnly() {
    RunFixture run = new RunFixture();
    run.submitted(DIAMOND);
    run.startReady(10);
    run.exited("a", 1, 0);
    run.startReady(10);
    run.exited("b", 1, 0);
    run.exited("c", 1, 0);
    run.startReady(10);
    run.exited("d", 1, 0);
    Reruns.Plan plan = Reruns.plan(run.state, List.of("b"));
    assertThat(plan.rerun()).containsExactly("b", "d");
    // With no step named, a run that succeeded has nothing to run again.
    assertThatThrownBy(() -> Reruns.plan(run.state, List.of()))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("NOTHING_TO_RERUN");
              assertThat(e.getMessage()).contains("--step");
            });
    RunFixture rerun = rerun(run.state, plan);
    assertThat(rerun.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("b");
  }

  @Test
  void aNamedStepBelowAKeptFailureIsSkippedAtOnce() {
    RunState original = failedDiamond();
    // d is named, but c stays failed: d can never run, and the rerun ends FAILED at once.
    Reruns.Plan plan = Reruns.plan(original, List.of("d"));
    assertThat(plan.rerun()).containsExactly("d");
    RunFixture rerun = rerun(original, plan);
    assertThat(rerun.step("d").status()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(rerun.step("d").skipCause()).isEqualTo("c");
    assertThat(rerun.state.status()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }

  @Test
  void aRerunWithNothingToRunEndsAtOnce() {
    RunState original = failedDiamond();
    Reruns.Plan plan = Reruns.plan(original, List.of());
    List<CarriedStep> all = new java.util.ArrayList<>(plan.carried());
    // Carry everything over as it ended: the rerun ends FAILED at once, its terminal event last.
    for (String stepId : plan.rerun()) {
      all.add(
          CarriedStep.newBuilder()
              .setStepId(stepId)
              .setStatus(original.step(stepId).status())
              .setFromRunId(RunFixture.RUN)
              .build());
    }
    RunFixture rerun = rerun(original, new Reruns.Plan(List.of(), all));
    assertThat(rerun.state.status()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }

  @Test
  void unknownStepsAndUnfinishedRunsAreRefused() {
    RunState original = failedDiamond();
    assertThatThrownBy(() -> Reruns.plan(original, List.of("nope")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'nope'");
    RunFixture live = new RunFixture();
    live.submitted(DIAMOND);
    assertThatThrownBy(() -> Reruns.plan(live.state, List.of()))
        .isInstanceOf(IllegalStateException.class);
  }
}
