package dev.cairn.server.engine;

import dev.cairn.v1.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32;

/**
 * Retry arithmetic: how many attempts a policy allows and how long to wait before the next. The
 * jitter is derived from a hash of (run, step, attempt) instead of a random source, so a decision
 * replays identically and the core stays pure.
 */
public final class Backoff {
  static final Duration DEFAULT_INITIAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_MAX = Duration.ofMinutes(1);
  static final double DEFAULT_MULTIPLIER = 2.0;

  private Backoff() {}

  /**
   * The policy as the server applies it: every unset field given the value used in its place, so
   * that a reader sees the real multiplier or backoff rather than a zero.
   */
  public static RetryPolicy effective(RetryPolicy policy) {
    RetryPolicy.Builder effective = policy.toBuilder().setMaxAttempts(maxAttempts(policy));
    if (!policy.hasInitialBackoff()) {
      effective.setInitialBackoff(Times.duration(DEFAULT_INITIAL));
    }
    if (!policy.hasMaxBackoff()) {
      effective.setMaxBackoff(Times.duration(DEFAULT_MAX));
    }
    if (policy.getMultiplier() == 0) {
      effective.setMultiplier(DEFAULT_MULTIPLIER);
    }
    return effective.build();
  }

  /** Total attempts allowed, the first included. */
  public static int maxAttempts(RetryPolicy policy) {
    return Math.max(1, policy.getMaxAttempts());
  }

  /** The wait before attempt {@code failedAttempt + 1}, before jitter. */
  public static Duration nominal(RetryPolicy policy, int failedAttempt) {
    Duration initial =
        policy.hasInitialBackoff() ? Times.duration(policy.getInitialBackoff()) : DEFAULT_INITIAL;
    Duration max = policy.hasMaxBackoff() ? Times.duration(policy.getMaxBackoff()) : DEFAULT_MAX;
    double multiplier = policy.getMultiplier() == 0 ? DEFAULT_MULTIPLIER : policy.getMultiplier();
    double nanos = initial.toNanos() * Math.pow(multiplier, failedAttempt - 1);
    return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
  }

  /**
   * The wait before attempt {@code failedAttempt + 1}, jitter included: nominal * (1 +/- jitter).
   */
  public static Duration delay(RetryPolicy policy, String runId, String stepId, int failedAttempt) {
    Duration nominal = nominal(policy, failedAttempt);
    double spread = policy.getJitter() * unitNoise(runId, stepId, failedAttempt);
    return Duration.ofNanos(Math.max(0, (long) (nominal.toNanos() * (1 + spread))));
  }

  /** A value in [-1, 1] fixed by its inputs. */
  static double unitNoise(String runId, String stepId, int attempt) {
    CRC32 crc = new CRC32();
    crc.update((runId + '\0' + stepId + '\0' + attempt).getBytes(StandardCharsets.UTF_8));
    return crc.getValue() / (double) 0xFFFF_FFFFL * 2 - 1;
  }
}
