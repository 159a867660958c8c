package dev.cairn.server.runtime;

import dev.cairn.server.engine.Times;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import java.util.List;

/** Specs for the shell's tests: what the steps run does not matter, nothing runs them. */
final class ShellSpecs {
  private ShellSpecs() {}

  static StepSpec step(String id, String... dependsOn) {
    return StepSpec.newBuilder()
        .setId(id)
        .setRun("true")
        .addAllDependsOn(List.of(dependsOn))
        .build();
  }

  static StepSpec retried(String id, int attempts, Duration backoff) {
    return step(id).toBuilder()
        .setRetry(
            RetryPolicy.newBuilder()
                .setMaxAttempts(attempts)
                .setInitialBackoff(Times.duration(backoff))
                .setMultiplier(1)
                .setJitter(0))
        .build();
  }

  static WorkflowSpec spec(StepSpec... steps) {
    return WorkflowSpec.newBuilder().setName("shell").addAllSteps(List.of(steps)).build();
  }

  static WorkflowSpec failFast(StepSpec... steps) {
    return spec(steps).toBuilder().setFailFast(true).build();
  }
}
