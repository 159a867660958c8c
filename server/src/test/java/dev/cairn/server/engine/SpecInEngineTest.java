package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.process.LaunchRequest;
import dev.cairn.v1.ParamSpec;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.Params;
import dev.cairn.workflow.spec.StepEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the spec checks of the workflow module meet the engine and the launcher. */
class SpecInEngineTest {
  @Test
  void theMarkerNameIsTheLaunchersOwn() {
    assertThat(StepEnvironment.MARKER).isEqualTo(LaunchRequest.MARKER_VARIABLE);
  }

  @Test
  void parameterValuesAndLabelsAreRecordedInRunSubmitted() {
    WorkflowSpec spec =
        spec(step("a")).toBuilder().addParams(ParamSpec.newBuilder().setName("target")).build();
    RunFixture run = new RunFixture();
    Map<String, String> values = Params.resolve(spec, Map.of("target", "$(touch /tmp/x); \"'"));
    run.when(new Trigger.Submit(spec, "", "test", values, Map.of("team", "data"), "", List.of()));
    assertThat(run.decided.get(0).getRunSubmitted().getParamsMap())
        .containsEntry("target", "$(touch /tmp/x); \"'");
    assertThat(run.state.info().labels()).containsEntry("team", "data");
  }

  @Test
  void evolveRejectsAGap() {
    RunFixture run = new RunFixture().submitted(spec(step("a")));
    var event =
        run.history.get(0).toBuilder()
            .setRunSeq(3)
            .clearRunSubmitted()
            .setRunCancelRequested(dev.cairn.v1.RunCancelRequested.getDefaultInstance())
            .build();
    assertThatThrownBy(() -> Evolver.evolve(run.state, event))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected seq 2");
  }
}
