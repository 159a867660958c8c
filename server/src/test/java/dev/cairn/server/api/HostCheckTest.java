package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostCheckTest {
  private final HostCheck check = HostCheck.forListener("127.0.0.1", List.of("Cairn.Example.org "));

  @Test
  void loopbackNamesTheConfiguredHostAndTheAllowedOnesPass() {
    assertThat(List.of("127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "ui.localhost", "::1"))
        .allMatch(check::allows);
    assertThat(check.allows("[::1]")).isTrue();
    assertThat(check.allows("cairn.example.org")).isTrue();
  }

  @Test
  void anyOtherNameIsRefused() {
    assertThat(
            List.of(
                "evil.example",
                "127.0.0.1.evil.example",
                "localhost.evil.example",
                "0.0.0.0",
                "10.0.0.1",
                "example.org"))
        .noneMatch(check::allows);
  }

  @Test
  void aListenerOffLoopbackIsNotChecked() {
    assertThat(HostCheck.forListener("0.0.0.0", List.of())).isNull();
    assertThat(HostCheck.forListener("localhost", List.of())).isNotNull();
  }
}
