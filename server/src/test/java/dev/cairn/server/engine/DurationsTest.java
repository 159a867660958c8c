package dev.cairn.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void aDurationUnderAMillisecondIsNotZeroMilliseconds() {
    assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("1ns");
    assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("250µs");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.50s");
    assertThat(Durations.format(Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
  }
}
