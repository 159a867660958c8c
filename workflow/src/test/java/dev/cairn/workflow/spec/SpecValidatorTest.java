package dev.cairn.workflow.spec;

import static dev.cairn.workflow.spec.SpecFixture.spec;
import static dev.cairn.workflow.spec.SpecFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
  private static InvalidSpecException rejected(WorkflowSpec spec) {
    try {
      SpecValidator.validate(spec, SpecLimits.DEFAULT);
    } catch (InvalidSpecException e) {
      return e;
    }
    throw new AssertionError("spec was accepted");
  }

  @Test
  void acceptsAValidDiamond() {
    SpecValidator.validate(
        spec(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c")), SpecLimits.DEFAULT);
  }

  @Test
  void reportsTheCycle() {
    InvalidSpecException e =
        rejected(spec(step("a", "c"), step("b", "a"), step("c", "b"), step("x")));
    assertThat(e.reason()).isEqualTo("CYCLE");
    assertThat(e.getMessage()).contains("a -> b -> c -> a");
  }

  @Test
  void aDurationsNanosOutOfRangeIsSaidAsSuch() {
    WorkflowSpec spec =
        spec(step("a")).toBuilder()
            .setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(2_000_000_000))
            .build();
    InvalidSpecException e = rejected(spec);
    assertThat(e.reason()).isEqualTo("INVALID_DURATION");
    assertThat(e.getMessage())
        .isEqualTo("timeout: nanos is 2000000000; it must be at most 999999999");
  }

  @Test
  void reportsASelfDependency() {
    assertThat(rejected(spec(step("a", "a"))).reason()).isEqualTo("CYCLE");
  }

  @Test
  void reportsAnUnknownDependency() {
    InvalidSpecException e = rejected(spec(step("a"), step("b", "nope")));
    assertThat(e.reason()).isEqualTo("UNKNOWN_DEPENDENCY");
    assertThat(e.getMessage()).contains("nope").contains("steps[1]");
  }

  @Test
  void reportsADuplicateId() {
    InvalidSpecException e = rejected(spec(step("a"), step("a")));
    assertThat(e.reason()).isEqualTo("DUPLICATE_STEP_ID");
    assertThat(e.field()).isEqualTo("steps[1].id");
  }

  @Test
  void reportsEmptyCommands() {
    assertThat(rejected(spec(StepSpec.newBuilder().setId("a").setRun("  ").build())).reason())
        .isEqualTo("EMPTY_COMMAND");
    assertThat(rejected(spec(StepSpec.newBuilder().setId("a").build())).reason())
        .isEqualTo("EMPTY_COMMAND");
    assertThat(rejected(spec(SpecFixture.argv("a"))).reason()).isEqualTo("EMPTY_COMMAND");
  }

  @Test
  void reportsAnOversizedSpec() {
    String big = "x".repeat(10 * 1024 * 1024);
    InvalidSpecException e =
        rejected(spec(StepSpec.newBuilder().setId("a").setRun("echo " + big).build()));
    assertThat(e.reason()).isEqualTo("SPEC_TOO_LARGE");
    assertThat(e.getMessage()).contains("limit");
  }

  @Test
  void reportsBadIdsAndLimits() {
    assertThat(rejected(spec(step("has space"))).reason()).isEqualTo("INVALID_STEP_ID");
    // Dot segments: a client resolves /steps/../output away, so the output could not be asked for.
    assertThat(rejected(spec(step("."))).reason()).isEqualTo("INVALID_STEP_ID");
    assertThat(rejected(spec(step(".."))).getMessage()).contains("not be only dots");
    SpecValidator.validate(spec(step("..a"), step(".hidden"), step("v1.2")), SpecLimits.DEFAULT);
    assertThat(rejected(spec()).reason()).isEqualTo("NO_STEPS");
    StepSpec jittery =
        step("a").toBuilder()
            .setRetry(SpecFixture.retry(2, java.time.Duration.ofSeconds(1), 2, 3))
            .build();
    assertThat(rejected(spec(jittery)).field()).isEqualTo("steps[0].retry.jitter");
    WorkflowSpec relative = spec(step("a")).toBuilder().setWorkingDir("rel").build();
    assertThat(rejected(relative).reason()).isEqualTo("INVALID_WORKING_DIR");
  }

  @Test
  void deepChainsDoNotOverflowTheStack() {
    StepSpec[] steps = new StepSpec[20_000];
    steps[0] = step("s0");
    for (int i = 1; i < steps.length; i++) {
      steps[i] = step("s" + i, "s" + (i - 1));
    }
    SpecValidator.validate(spec(steps), new SpecLimits(16 << 20, 20_000));
  }
}
