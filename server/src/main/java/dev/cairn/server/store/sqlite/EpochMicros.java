package dev.cairn.server.store.sqlite;

import com.google.protobuf.Timestamp;

/**
 * Conversions between protobuf timestamps and the epoch microseconds stored in SQL columns.
 *
 * <p>Microseconds keep SQL ordering and range queries simple; the full-precision time stays in the
 * stored event itself, so only the projection's times are truncated to the microsecond.
 */
final class EpochMicros {

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final int NANOS_PER_MICRO = 1000;

  private EpochMicros() {}

  static long of(Timestamp time) {
    return Math.addExact(
        Math.multiplyExact(time.getSeconds(), MICROS_PER_SECOND),
        time.getNanos() / NANOS_PER_MICRO);
  }

  static Timestamp toTimestamp(long micros) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(micros, MICROS_PER_SECOND))
        .setNanos((int) Math.floorMod(micros, MICROS_PER_SECOND) * NANOS_PER_MICRO)
        .build();
  }
}
