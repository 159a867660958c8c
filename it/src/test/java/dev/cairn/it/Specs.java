package dev.cairn.it;

import com.google.protobuf.Duration;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.List;

/** Small builders for specs used by the tests. */
final class Specs {
  private Specs() {}

  static StepSpec shell(String id, String command, String... dependsOn) {
    return StepSpec.newBuilder()
        .setId(id)
        .setRun(command)
        .addAllDependsOn(List.of(dependsOn))
        .build();
  }

  static WorkflowSpec workflow(String name, StepSpec... steps) {
    return WorkflowSpec.newBuilder().setName(name).addAllSteps(List.of(steps)).build();
  }

  static Duration millis(long millis) {
    return Duration.newBuilder()
        .setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000)
        .build();
  }

  static RetryPolicy retry(int attempts, long initialMillis, double multiplier, double jitter) {
    return RetryPolicy.newBuilder()
        .setMaxAttempts(attempts)
        .setInitialBackoff(millis(initialMillis))
        .setMultiplier(multiplier)
        .setJitter(jitter)
        .build();
  }
}
