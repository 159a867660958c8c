package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UiCodesTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final UiCodes codes = new UiCodes(now::get);

  @Test
  void aCodeIsGoodForOneExchange() {
    String code = codes.issue().orElseThrow();
    assertThat(codes.redeem(code)).isTrue();
    assertThat(codes.redeem(code)).isFalse();
  }

  @Test
  void aCodeExpiresAfterItsValidity() {
    String code = codes.issue().orElseThrow();
    now.addAndGet(TimeUnit.SECONDS.toNanos(UiCodes.VALIDITY_SECONDS));
    assertThat(codes.redeem(code)).isFalse();
  }

  @Test
  void aCodeIsGoodJustBeforeItExpires() {
    String code = codes.issue().orElseThrow();
    now.addAndGet(TimeUnit.SECONDS.toNanos(UiCodes.VALIDITY_SECONDS) - 1);
    assertThat(codes.redeem(code)).isTrue();
  }

  @Test
  void unknownCodesAreRefused() {
    codes.issue().orElseThrow();
    assertThat(codes.redeem("")).isFalse();
    assertThat(codes.redeem("guess")).isFalse();
  }

  @Test
  void codesAreDistinctAndLong() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < UiCodes.MAX_OUTSTANDING; i++) {
      String code = codes.issue().orElseThrow();
      assertThat(code).hasSizeGreaterThanOrEqualTo(43);
      seen.add(code);
    }
    assertThat(seen).hasSize(UiCodes.MAX_OUTSTANDING);
  }

  @Test
  void outstandingCodesAreBoundedUntilTheyExpire() {
    for (int i = 0; i < UiCodes.MAX_OUTSTANDING; i++) {
      codes.issue().orElseThrow();
    }
    assertThat(codes.issue()).isEmpty();
    now.addAndGet(TimeUnit.SECONDS.toNanos(UiCodes.VALIDITY_SECONDS));
    assertThat(codes.issue()).isPresent();
  }
}
