package dev.cairn.server.store;

import com.google.protobuf.Timestamp;

/**
 * Conversions between protobuf timestamps and the epoch microseconds a store keeps in its index
 * columns.
 *
 * <p>Microseconds keep ordering and range queries simple; the full-precision time stays in the
 * stored event itself, so only the projection's times are truncated to the microsecond.
 */
public final class EpochMicros {

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final int NANOS_PER_MICRO = 1000;

  private EpochMicros() {}

  public static long of(Timestamp time) {
    return Math.addExact(
        Math.multiplyExact(time.getSeconds(), MICROS_PER_SECOND),
        time.getNanos() / NANOS_PER_MICRO);
  }

  public static Timestamp toTimestamp(long micros) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(micros, MICROS_PER_SECOND))
        .setNanos((int) Math.floorMod(micros, MICROS_PER_SECOND) * NANOS_PER_MICRO)
        .build();
  }
}
