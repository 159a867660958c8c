package dev.cairn.server.store.sqlite;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The CRC32C stored with every row of {@code events} and {@code runs}. SQLite checks the structure
 * of its pages but not the bytes of a record, so a flipped bit inside a payload, an id or a status
 * would otherwise be read back as a different fact; the checksum turns it into a detected error.
 *
 * <p>Each field is fed in a fixed order, strings with their length in front and a nullable value
 * with a marker, so that moving bytes from one field to the next changes the checksum too.
 */
final class RowChecksums {
  private RowChecksums() {}

  /** The checksum of an event row over every column but the checksum itself. */
  static long event(
      long globalSeq, String runId, long runSeq, String type, long timeUs, byte[] payload) {
    Crc crc = new Crc();
    crc.number(globalSeq);
    crc.text(runId);
    crc.number(runSeq);
    crc.text(type);
    crc.number(timeUs);
    crc.bytes(payload);
    return crc.value();
  }

  /** The checksum of a runs row over every column but the checksum itself. */
  static long run(
      String runId,
      String name,
      long status,
      long createTimeUs,
      Long endTimeUs,
      String requestId,
      long submitSeq) {
    Crc crc = new Crc();
    crc.text(runId);
    crc.text(name);
    crc.number(status);
    crc.number(createTimeUs);
    crc.nullableNumber(endTimeUs);
    crc.nullableText(requestId);
    crc.number(submitSeq);
    return crc.value();
  }

  /** A CRC32C fed field by field. */
  private static final class Crc {
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

    void number(long value) {
      scratch.clear();
      scratch.putLong(value).flip();
      crc.update(scratch);
    }

    void bytes(byte[] value) {
      number(value.length);
      crc.update(value);
    }

    void text(String value) {
      bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    void nullableNumber(Long value) {
      crc.update(value == null ? 0 : 1);
      if (value != null) {
        number(value);
      }
    }

    void nullableText(String value) {
      crc.update(value == null ? 0 : 1);
      if (value != null) {
        text(value);
      }
    }

    long value() {
      return crc.getValue();
    }
  }
}
