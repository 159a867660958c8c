package dev.cairn.workflow.spec;

import static dev.cairn.workflow.spec.SpecFixture.spec;
import static dev.cairn.workflow.spec.SpecFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.v1.ParamSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
  private final WorkflowSpec spec =
      spec(step("a")).toBuilder()
          .addParams(ParamSpec.newBuilder().setName("target"))
          .addParams(ParamSpec.newBuilder().setName("mode").setDefaultValue("fast"))
          .build();

  @Test
  void defaultsApplyAndGivenValuesWin() {
    assertThat(Params.resolve(spec, Map.of("target", "x")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("target", "x", "mode", "fast"));
    assertThat(Params.resolve(spec, Map.of("target", "x", "mode", "slow")))
        .containsEntry("mode", "slow");
  }

  @Test
  void aMissingRequiredOneIsNamed() {
    assertThatThrownBy(() -> Params.resolve(spec, Map.of()))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'target'")
        .extracting(e -> ((InvalidSpecException) e).reason())
        .isEqualTo("MISSING_PARAM");
  }

  @Test
  void anUnknownOneIsNamed() {
    assertThatThrownBy(() -> Params.resolve(spec, Map.of("target", "x", "tagret", "y")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'tagret'")
        .extracting(e -> ((InvalidSpecException) e).reason())
        .isEqualTo("UNKNOWN_PARAM");
  }

  @Test
  void aSpecCannotSetTheVariablesOfParameters() {
    WorkflowSpec bad = spec.toBuilder().putEnv("CAIRN_PARAM_target", "x").build();
    assertThatThrownBy(() -> SpecValidator.validate(bad, SpecLimits.DEFAULT))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("CAIRN_PARAM_");
  }
}
