package dev.cairn.server.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;

/**
 * An event as its protobuf bytes, with the few fields a stream needs to place it. A stream of
 * stored events sends the bytes as the store holds them: parsing each event only to serialize it
 * again cost the server more than everything else a catch-up does.
 *
 * <p>The bytes are never changed after construction; the record does not copy them.
 *
 * @param globalSeq the event's global sequence number
 * @param runId its run
 * @param runSeq its sequence number in the run
 * @param payloadCase which event it is
 * @param bytes the serialized {@link Event}
 */
public record EncodedEvent(
    long globalSeq, String runId, long runSeq, PayloadCase payloadCase, byte[] bytes) {

  /** The encoding of a parsed event (a live one, or one from a store that holds parsed events). */
  public static EncodedEvent of(Event event) {
    return new EncodedEvent(
        event.getGlobalSeq(),
        event.getRunId(),
        event.getRunSeq(),
        event.getPayloadCase(),
        event.toByteArray());
  }

  /**
   * Reads the placing fields of serialized event {@code bytes} without parsing the rest: the
   * top-level fields are walked and nested messages skipped whole. Later occurrences of a field
   * win, as they do when the bytes are parsed.
   */
  public static EncodedEvent scan(byte[] bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    long globalSeq = 0;
    String runId = "";
    long runSeq = 0;
    PayloadCase payloadCase = PayloadCase.PAYLOAD_NOT_SET;
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        int field = WireFormat.getTagFieldNumber(tag);
        int wireType = WireFormat.getTagWireType(tag);
        if (field == Event.GLOBAL_SEQ_FIELD_NUMBER && wireType == WireFormat.WIRETYPE_VARINT) {
          globalSeq = in.readUInt64();
        } else if (field == Event.RUN_ID_FIELD_NUMBER
            && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          runId = in.readStringRequireUtf8();
        } else if (field == Event.RUN_SEQ_FIELD_NUMBER && wireType == WireFormat.WIRETYPE_VARINT) {
          runSeq = in.readUInt64();
        } else {
          PayloadCase known = PayloadCase.forNumber(field);
          if (known != null
              && known != PayloadCase.PAYLOAD_NOT_SET
              && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            payloadCase = known;
          }
          if (!in.skipField(tag)) {
            break;
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return new EncodedEvent(globalSeq, runId, runSeq, payloadCase, bytes);
  }

  /** The event, parsed. */
  public Event parse() {
    try {
      return Event.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an encoded event does not parse", e);
    }
  }

  /** Whether this is the run's terminal event, the last it has. */
  public boolean endsRun() {
    return switch (payloadCase) {
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> true;
      default -> false;
    };
  }
}
