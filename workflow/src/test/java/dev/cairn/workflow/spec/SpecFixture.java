package dev.cairn.workflow.spec;

import com.google.protobuf.Duration;
import dev.cairn.v1.Argv;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.List;

/** Specs for the checks' tests. */
final class SpecFixture {
  private SpecFixture() {}

  static StepSpec step(String id, String... dependsOn) {
    return StepSpec.newBuilder()
        .setId(id)
        .setRun("true")
        .addAllDependsOn(List.of(dependsOn))
        .build();
  }

  static StepSpec argv(String id, String... args) {
    return StepSpec.newBuilder()
        .setId(id)
        .setArgv(Argv.newBuilder().addAllArgs(List.of(args)))
        .build();
  }

  static WorkflowSpec spec(StepSpec... steps) {
    return WorkflowSpec.newBuilder().setName("test").addAllSteps(List.of(steps)).build();
  }

  static RetryPolicy retry(
      int attempts, java.time.Duration initial, double multiplier, double jitter) {
    return RetryPolicy.newBuilder()
        .setMaxAttempts(attempts)
        .setInitialBackoff(
            Duration.newBuilder().setSeconds(initial.getSeconds()).setNanos(initial.getNano()))
        .setMultiplier(multiplier)
        .setJitter(jitter)
        .build();
  }
}
