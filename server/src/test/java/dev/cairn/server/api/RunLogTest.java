package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What of a workflow's text reaches a plain-text log line. */
class RunLogTest {
  @Test
  void controlCharactersAreEscapedSoNoLineCanBeForged() {
    String spawnError =
        "program /nonexistent\n16:00:00.000 ERROR [forged] injected line is not found";
    assertThat(RunLog.printable(spawnError))
        .doesNotContain("\n")
        .isEqualTo("program /nonexistent\\n16:00:00.000 ERROR [forged] injected line is not found");
    assertThat(RunLog.printable("a\u001b[2J\r\tb")).isEqualTo("a\\u001b[2J\\r\\tb");
    String plain = "nothing to escape";
    assertThat(RunLog.printable(plain)).isSameAs(plain);
  }
}
