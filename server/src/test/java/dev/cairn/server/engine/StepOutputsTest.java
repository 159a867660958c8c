package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepOutputsTest {
  private static StepOutputs.Parsed parse(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return StepOutputs.parse(bytes, bytes.length);
  }

  @Test
  void keyValueLinesAndTheMultiLineForm() {
    StepOutputs.Parsed parsed =
        parse("version=1.2.3\n\nnotes<<EOF\nfirst line\nsecond = line\nEOF\nempty=\n");
    assertThat(parsed.problem()).isEmpty();
    assertThat(parsed.outputs())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("version", "1.2.3", "notes", "first line\nsecond = line", "empty", ""));
  }

  @Test
  void problemsNameTheLine() {
    assertThat(parse("ok=1\nnot a pair\n").problem()).contains("line 2");
    assertThat(parse("bad-key=1").problem()).contains("'bad-key' is not a key");
    assertThat(parse("text<<END\nno end\n").problem()).contains("no line 'END'");
  }

  @Test
  void overTheCapIsAProblem() {
    assertThat(StepOutputs.parse(new byte[0], StepOutputs.MAX_BYTES + 1).problem())
        .contains("the limit is " + StepOutputs.MAX_BYTES);
  }

  @Test
  void outputsAreRecordedInTheSuccessEventAndSeenDownstream() {
    RunFixture run = new RunFixture();
    run.submitted(spec(step("a"), step("b", "a"), step("c", "b")));
    run.startReady(10);
    run.when(
        new Trigger.AttemptExited(
            "a", 1, 0, 0, 0, false, Duration.ZERO, Map.of("k", "v", "m", "1\n2"), ""));
    assertThat(run.decided.get(0).getStepSucceeded().getOutputsMap()).containsEntry("m", "1\n2");
    run.startReady(10);
    run.exited("b", 1, 0);
    assertThat(StepOutputs.upstreamOf(run.state, "c")).containsOnlyKeys("a");
    assertThat(StepOutputs.variable("my-step.x", "k")).isEqualTo("CAIRN_OUT_my_step_x_k");
    assertThat(StepOutputs.inputsJson(StepOutputs.upstreamOf(run.state, "c")))
        .isEqualTo("{\"a\":{\"k\":\"v\",\"m\":\"1\\n2\"}}\n");
  }

  @Test
  void anOutputsProblemFailsTheStepWithItsReason() {
    RunFixture run = new RunFixture();
    run.submitted(spec(step("a")));
    run.startReady(10);
    run.when(new Trigger.AttemptExited("a", 1, 0, 0, 0, false, Duration.ZERO, Map.of(), "too big"));
    assertThat(run.step("a").status()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
    assertThat(run.step("a").lastAttempt().failureReason())
        .isEqualTo(FailureReason.FAILURE_REASON_OUTPUTS);
    assertThat(run.step("a").lastAttempt().message()).isEqualTo("too big");
  }

  /**
   * A run's outputs together are capped: the step whose outputs would pass the cap fails with
   * reason OUTPUTS, and the run's total holds what was recorded. Each of 300 steps records 16,000
   * bytes: the 263rd would pass 4 MiB.
   */
  @Test
  void outputsThatWouldPassTheRunsCapFailTheirStep() {
    RunFixture run = new RunFixture();
    List<StepSpec> steps = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      steps.add(step("s" + i));
    }
    run.submitted(spec(steps.toArray(StepSpec[]::new)));
    run.startReady(1000);
    String value = "v".repeat(15_999);
    for (int i = 0; i < 300; i++) {
      run.when(
          new Trigger.AttemptExited(
              "s" + i, 1, 0, 0, 0, false, Duration.ZERO, Map.of("k", value), ""));
    }
    long each = 16_000;
    int fit = (int) (StepOutputs.MAX_RUN_BYTES / each);
    assertThat(run.step("s" + (fit - 1)).status()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(run.step("s" + fit).status()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
    assertThat(run.step("s" + fit).lastAttempt().failureReason())
        .isEqualTo(FailureReason.FAILURE_REASON_OUTPUTS);
    assertThat(run.step("s" + fit).lastAttempt().message())
        .contains("a run's outputs may hold at most 4194304 bytes");
    assertThat(run.state.outputBytes()).isEqualTo(fit * each);
    // Folded from its events, the run counts the same.
    assertThat(Evolver.replay(run.history).outputBytes()).isEqualTo(fit * each);
  }
}
