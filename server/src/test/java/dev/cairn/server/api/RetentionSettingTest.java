package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionSettingTest {
  @Test
  void horizonsForeverAndMistakes() {
    assertThat(RetentionSetting.parse("cairn.retention", "30d")).contains(Duration.ofDays(30));
    assertThat(RetentionSetting.parse("cairn.retention", "90s")).contains(Duration.ofSeconds(90));
    assertThat(RetentionSetting.parse("cairn.retention", "500ms")).contains(Duration.ofMillis(500));
    assertThat(RetentionSetting.parse("cairn.retention", "PT12H")).contains(Duration.ofHours(12));
    assertThat(RetentionSetting.parse("cairn.retention", " Forever ")).isEqualTo(Optional.empty());
    for (String wrong : new String[] {"0s", "-1d", "soon", "", "P-1D"}) {
      assertThatThrownBy(() -> RetentionSetting.parse("cairn.retention", wrong))
          .as(wrong)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cairn.retention must be a positive duration");
    }
  }
}
