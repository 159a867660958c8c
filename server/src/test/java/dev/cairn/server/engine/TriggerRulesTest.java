package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_FAILED;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUCCEEDED;
import static dev.cairn.v1.Event.PayloadCase.STEP_FAILED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SKIPPED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.RunIf;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.SkipReason;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import org.junit.jupiter.api.Test;

class TriggerRulesTest {
  private final RunFixture run = new RunFixture();

  private static StepSpec ruled(String id, RunIf rule, String... dependsOn) {
    return step(id, dependsOn).toBuilder().setRunIf(rule).build();
  }

  private static WorkflowSpec withHandlers() {
    return spec(
        step("build"),
        step("deploy", "build"),
        ruled("cleanup", RunIf.RUN_IF_ALL_DONE, "build", "deploy"),
        ruled("alert", RunIf.RUN_IF_ANY_FAILED, "build", "deploy"));
  }

  @Test
  void afterAFailureTheCleanupAndTheAlertRunAndTheRunFails() {
    run.submitted(withHandlers());
    run.startReady(10);
    run.exited("build", 1, 1);
    // deploy is skipped; cleanup and alert are not: their upstream is now all done.
    assertThat(run.decidedTypes()).containsExactly(STEP_FAILED, STEP_SKIPPED);
    assertThat(run.step("deploy").skipReason())
        .isEqualTo(SkipReason.SKIP_REASON_UPSTREAM_NOT_SUCCEEDED);
    assertThat(run.startReady(10))
        .extracting(Scheduler.Start::stepId)
        .containsExactly("cleanup", "alert");
    run.exited("cleanup", 1, 0);
    run.exited("alert", 1, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED, RUN_FAILED);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }

  @Test
  void withNoFailureTheAlertIsSkippedWithItsCauseAndTheRunSucceeds() {
    run.submitted(withHandlers());
    run.startReady(10);
    run.exited("build", 1, 0);
    run.startReady(10);
    run.exited("deploy", 1, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED, STEP_SKIPPED);
    assertThat(run.step("alert").status()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(run.step("alert").skipReason()).isEqualTo(SkipReason.SKIP_REASON_NO_UPSTREAM_FAILED);
    assertThat(run.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("cleanup");
    run.exited("cleanup", 1, 0);
    assertThat(run.decidedTypes()).containsExactly(STEP_SUCCEEDED, RUN_SUCCEEDED);
  }

  @Test
  void failFastStillRunsTheStepsThatAskToRunAfterAFailure() {
    WorkflowSpec spec =
        spec(
                step("a"),
                step("slow"),
                step("next", "a"),
                ruled("cleanup", RunIf.RUN_IF_ALL_DONE, "a", "slow"))
            .toBuilder()
            .setFailFast(true)
            .build();
    run.submitted(spec);
    run.startReady(10);
    run.exited("a", 1, 1);
    assertThat(run.step("next").status()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(run.step("cleanup").status()).isEqualTo(StepStatus.STEP_STATUS_PENDING);
    // slow is stopped as fail-fast asks; once it is gone, the cleanup runs.
    run.when(
        new Trigger.AttemptExited("slow", 1, 143, 15, 0, false, java.time.Duration.ofMillis(1)));
    assertThat(run.step("slow").status()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    assertThat(run.startReady(10)).extracting(Scheduler.Start::stepId).containsExactly("cleanup");
    run.exited("cleanup", 1, 0);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }

  @Test
  void aStepAfterASkippedAlertIsSkippedToo() {
    run.submitted(
        spec(step("a"), ruled("alert", RunIf.RUN_IF_ANY_FAILED, "a"), step("page", "alert")));
    run.startReady(10);
    run.exited("a", 1, 0);
    assertThat(run.decidedTypes())
        .containsExactly(STEP_SUCCEEDED, STEP_SKIPPED, STEP_SKIPPED, RUN_SUCCEEDED);
    assertThat(run.step("page").skipCause()).isEqualTo("alert");
  }
}
