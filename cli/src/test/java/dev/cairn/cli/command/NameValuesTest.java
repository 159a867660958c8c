package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameValuesTest {
  @Test
  void splitsAtTheFirstEqualsSignAndKeepsQuotesAsTheyAre() {
    assertThat(NameValues.of(List.of("who=a\"b", "q='x=y'", "e="), "--param"))
        .containsExactly(
            java.util.Map.entry("who", "a\"b"),
            java.util.Map.entry("q", "'x=y'"),
            java.util.Map.entry("e", ""));
  }

  @Test
  void aPairWithoutANameIsBadInputNamingTheOption() {
    assertThatThrownBy(() -> NameValues.of(List.of("=x"), "--label"))
        .isInstanceOf(CliException.class)
        .hasMessage("--label '=x' is not NAME=VALUE");
  }

  @Test
  void aNameGivenTwiceIsBadInputRatherThanOneValueDropped() {
    assertThatThrownBy(() -> NameValues.of(List.of("who=a", "who=b"), "--param"))
        .isInstanceOf(CliException.class)
        .hasMessage("--param who is given twice; give it once");
  }
}
