package dev.cairn.server.store;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample events for the store tests, built from the protobuf descriptors by the shared filler of
 * the proto module's test-jar, so that a new event type or a new field is covered by the round-trip
 * tests without anyone remembering to add it.
 */
final class EventSamples {

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
    dev.cairn.v1.testing.EventSamples.fill(builder, 1, 0);
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
}
