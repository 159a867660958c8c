package dev.cairn.server.api;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One-time codes that sign the web UI in without putting the token in a URL: {@code cairn ui}
 * obtains one with the token and opens the page with it in the URL's fragment (which no server
 * logs), and the page exchanges it for the token once. A code is random (256 bits), valid for
 * {@link #VALIDITY_SECONDS} and good for one exchange; at most {@link #MAX_OUTSTANDING} are
 * outstanding, so that a client holding the token cannot fill the server's memory with them.
 */
final class UiCodes {
  static final long VALIDITY_SECONDS = 60;
  static final int MAX_OUTSTANDING = 64;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Long> expiries = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  UiCodes() {
    this(System::nanoTime);
  }

  UiCodes(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** A new code, or empty when too many are outstanding. */
  synchronized java.util.Optional<String> issue() {
    long now = nanoTime.getAsLong();
    expiries.values().removeIf(expiry -> now - expiry >= 0);
    if (expiries.size() >= MAX_OUTSTANDING) {
      return java.util.Optional.empty();
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    expiries.put(code, now + TimeUnit.SECONDS.toNanos(VALIDITY_SECONDS));
    return java.util.Optional.of(code);
  }

  /** Whether {@code code} was issued, has not expired and was not redeemed before. */
  boolean redeem(String code) {
    Long expiry = expiries.remove(code);
    return expiry != null && nanoTime.getAsLong() - expiry < 0;
  }
}
