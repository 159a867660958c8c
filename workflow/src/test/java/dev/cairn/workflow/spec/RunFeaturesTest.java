package dev.cairn.workflow.spec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFeaturesTest {
  private static final String EMOJI = "\uD83D\uDE80";

  /** 256 characters as people count them: an emoji is one, though Java holds it as two units. */
  @Test
  void aLabelValueIsMeasuredInCharactersNotUtf16Units() {
    assertThatCode(() -> RunFeatures.checkSubmitLabels(Map.of("team", EMOJI.repeat(256))))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> RunFeatures.checkSubmitLabels(Map.of("team", EMOJI.repeat(257))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("at most 256 characters");
  }
}
