package dev.cairn.server.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds sample events from the protobuf descriptors, so that a new event type or a new field is
 * covered by the round-trip tests without anyone remembering to add it.
 */
final class EventSamples {

  /** Deeper nesting than any event has means a recursive type, which a filler cannot complete. */
  private static final int MAX_DEPTH = 8;

  private EventSamples() {}

  /** The fields of the {@code payload} oneof of {@link Event}: one per event type. */
  static List<FieldDescriptor> payloadFields() {
    return payloadOneof().getFields();
  }

  static OneofDescriptor payloadOneof() {
    return Event.getDescriptor().getOneofs().stream()
        .filter(oneof -> oneof.getName().equals("payload"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("cairn.v1.Event has no payload oneof"));
  }

  /** The message of one payload field with every field set to a non-default value. */
  static Message fullySet(FieldDescriptor payloadField) {
    Message.Builder builder = Event.newBuilder().newBuilderForField(payloadField);
    fill(builder, 0);
    return builder.build();
  }

  /** An event of the given type, fully set, with the envelope fields the store requires. */
  static Event event(FieldDescriptor payloadField, String runId, long runSeq, Timestamp time) {
    return Event.newBuilder()
        .setRunId(runId)
        .setRunSeq(runSeq)
        .setTime(time)
        .setField(payloadField, fullySet(payloadField))
        .build();
  }

  /**
   * The paths of the fields of {@code message} (recursively) left at their default value, so a test
   * can prove its sample really exercises every field. Of a oneof, one member is expected.
   */
  static List<String> unsetFields(Message message) {
    List<String> unset = new ArrayList<>();
    collectUnset(message, message.getDescriptorForType().getName(), unset);
    return unset;
  }

  private static void collectUnset(Message message, String path, List<String> unset) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String fieldPath = path + "." + field.getName();
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null) {
        if (!message.hasOneof(oneof)) {
          unset.add(path + "." + oneof.getName());
        }
        if (message.getOneofFieldDescriptor(oneof) != field) {
          continue;
        }
      }
      if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        if (count == 0) {
          unset.add(fieldPath);
        }
        for (int i = 0; i < count; i++) {
          if (message.getRepeatedField(field, i) instanceof Message element) {
            collectUnset(element, fieldPath + "[" + i + "]", unset);
          }
        }
      } else if (!message.hasField(field)) {
        unset.add(fieldPath);
      } else if (message.getField(field) instanceof Message nested) {
        collectUnset(nested, fieldPath, unset);
      }
    }
  }

  private static void fill(Message.Builder builder, int depth) {
    Descriptor type = builder.getDescriptorForType();
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("cannot fill the recursive type " + type.getFullName());
    }
    // Well-known types get values that their own rules accept (nanos within range).
    if (type.equals(Timestamp.getDescriptor())) {
      builder.mergeFrom(
          Timestamp.newBuilder().setSeconds(1_767_225_600L).setNanos(123_456_000).build());
      return;
    }
    if (type.equals(Duration.getDescriptor())) {
      builder.mergeFrom(Duration.newBuilder().setSeconds(93).setNanos(250_000_000).build());
      return;
    }
    for (FieldDescriptor field : type.getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && builder.hasOneof(oneof)) {
        // Only one member of a oneof can hold a value; the first one is set.
        continue;
      }
      if (field.isMapField()) {
        Message.Builder entry = builder.newBuilderForField(field);
        for (FieldDescriptor entryField : entry.getDescriptorForType().getFields()) {
          entry.setField(entryField, value(entry, entryField, depth + 1, 1));
        }
        builder.addRepeatedField(field, entry.build());
      } else if (field.isRepeated()) {
        builder.addRepeatedField(field, value(builder, field, depth, 1));
        builder.addRepeatedField(field, value(builder, field, depth, 2));
      } else {
        builder.setField(field, value(builder, field, depth, 1));
      }
    }
  }

  /** A non-default value for the field; the ordinal tells repeated elements apart. */
  private static Object value(
      Message.Builder parent, FieldDescriptor field, int depth, int ordinal) {
    int distinct = field.getNumber() * 10 + ordinal;
    return switch (field.getJavaType()) {
      case INT -> distinct;
      case LONG -> distinct * 1_000_003L;
      case FLOAT -> distinct + 0.5f;
      case DOUBLE -> distinct + 0.25;
      case BOOLEAN -> true;
      case STRING -> field.getName() + "-" + ordinal;
      case BYTE_STRING -> ByteString.copyFromUtf8(field.getName() + "-" + ordinal);
      case ENUM -> firstNonZero(field);
      case MESSAGE -> {
        Message.Builder nested = parent.newBuilderForField(field);
        fill(nested, depth + 1);
        yield nested.build();
      }
    };
  }

  private static EnumValueDescriptor firstNonZero(FieldDescriptor field) {
    return field.getEnumType().getValues().stream()
        .filter(value -> value.getNumber() != 0)
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException(field.getFullName() + " has no non-zero value"));
  }
}
