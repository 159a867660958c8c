package dev.cairn.v1.testing;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.cairn.v1.Event;
import dev.cairn.v1.WorkflowSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds fully populated sample messages from their descriptors, so every field of every message
 * takes part in round-trip tests without a hand-written sample per message.
 *
 * <p>Every field gets a non-default value derived only from its descriptor (no clock, no
 * randomness), so the samples are the same on every run and in every module. Repeated and map
 * fields get two elements; a oneof gets its first case, except in repeated elements, where element
 * {@code i} takes case {@code i} (modulo the number of cases) so lists cover several cases. Enums
 * take their first non-zero value; Timestamps and Durations are valid values.
 */
public final class EventSamples {

  /** Elements added to every repeated and map field. */
  private static final int REPEATED_COUNT = 2;

  /** Guards against recursive message types; deeper message fields are left unset. */
  private static final int MAX_DEPTH = 8;

  /** A fixed instant (2023-11-14T22:13:20Z) that fields offset by their number. */
  private static final long BASE_EPOCH_SECONDS = 1_700_000_000L;

  private EventSamples() {}

  /**
   * Returns one fully populated {@link Event} per case of its {@code payload} oneof, keyed by
   * {@code event_<case field name>}, in field-number order.
   */
  public static Map<String, Event> eventsByPayloadCase() {
    Descriptor descriptor = Event.getDescriptor();
    OneofDescriptor payload = descriptor.findFieldByName("run_submitted").getContainingOneof();
    Map<String, Event> samples = new LinkedHashMap<>();
    for (FieldDescriptor payloadCase : payload.getFields()) {
      Event.Builder builder = Event.newBuilder();
      fill(builder, 0, 0);
      Message.Builder payloadBuilder = builder.newBuilderForField(payloadCase);
      fill(payloadBuilder, 1, 0);
      builder.setField(payloadCase, payloadBuilder.build());
      samples.put("event_" + payloadCase.getName(), builder.build());
    }
    return samples;
  }

  /**
   * Returns one fully populated {@link dev.cairn.v1.ScheduleEvent} per case of its {@code payload}
   * oneof, keyed by {@code schedule_event_<case field name>}, in field-number order.
   */
  public static Map<String, dev.cairn.v1.ScheduleEvent> scheduleEventsByPayloadCase() {
    Descriptor descriptor = dev.cairn.v1.ScheduleEvent.getDescriptor();
    OneofDescriptor payload = descriptor.findFieldByName("schedule_created").getContainingOneof();
    Map<String, dev.cairn.v1.ScheduleEvent> samples = new LinkedHashMap<>();
    for (FieldDescriptor payloadCase : payload.getFields()) {
      dev.cairn.v1.ScheduleEvent.Builder builder = dev.cairn.v1.ScheduleEvent.newBuilder();
      fill(builder, 0, 0);
      Message.Builder payloadBuilder = builder.newBuilderForField(payloadCase);
      fill(payloadBuilder, 1, 0);
      builder.setField(payloadCase, payloadBuilder.build());
      samples.put("schedule_event_" + payloadCase.getName(), builder.build());
    }
    return samples;
  }

  /** Returns a {@link WorkflowSpec} with every field set, steps covering each command case. */
  public static WorkflowSpec workflowSpec() {
    WorkflowSpec.Builder builder = WorkflowSpec.newBuilder();
    fill(builder, 0, 0);
    return builder.build();
  }

  /**
   * Sets every field of {@code builder}. {@code oneofChoice} selects the case of each real oneof
   * (modulo its number of cases).
   */
  public static void fill(Message.Builder builder, int depth, int oneofChoice) {
    Descriptor descriptor = builder.getDescriptorForType();
    for (FieldDescriptor field : descriptor.getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && !field.equals(chosenCase(oneof, oneofChoice))) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
        continue;
      }
      if (field.isMapField()) {
        for (int index = 0; index < REPEATED_COUNT; index++) {
          builder.addRepeatedField(field, mapEntry(builder, field, depth, index));
        }
      } else if (field.isRepeated()) {
        for (int index = 0; index < REPEATED_COUNT; index++) {
          builder.addRepeatedField(field, value(builder, field, depth, index));
        }
      } else {
        builder.setField(field, value(builder, field, depth, 0));
      }
    }
  }

  private static FieldDescriptor chosenCase(OneofDescriptor oneof, int oneofChoice) {
    List<FieldDescriptor> cases = oneof.getFields();
    return cases.get(oneofChoice % cases.size());
  }

  /** Map entries get keys in ascending order so every language serializes them alike. */
  private static Message mapEntry(
      Message.Builder parent, FieldDescriptor field, int depth, int index) {
    Message.Builder entry = parent.newBuilderForField(field);
    Descriptor entryType = field.getMessageType();
    FieldDescriptor key = entryType.findFieldByName("key");
    FieldDescriptor value = entryType.findFieldByName("value");
    entry.setField(key, scalar(key, index, "KEY_" + (char) ('A' + index)));
    entry.setField(value, value(entry, value, depth, index));
    return entry.build();
  }

  private static Object value(Message.Builder parent, FieldDescriptor field, int depth, int index) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message.Builder child = parent.newBuilderForField(field);
      if (!fillWellKnown(child, field.getNumber() + 10 * index)) {
        fill(child, depth + 1, index);
      }
      return child.build();
    }
    return scalar(field, index, field.getName() + "-" + (index + 1));
  }

  /** A non-default scalar that differs between fields and between elements of a list. */
  private static Object scalar(FieldDescriptor field, int index, String text) {
    int seed = field.getNumber() + 10 * index + 1;
    return switch (field.getJavaType()) {
      case INT -> seed;
      case LONG -> 1_000_000_000_000L + seed;
      case FLOAT -> seed + 0.5f;
      case DOUBLE -> seed + 0.25;
      case BOOLEAN -> true;
      case STRING -> text;
      case BYTE_STRING -> com.google.protobuf.ByteString.copyFrom(text, StandardCharsets.UTF_8);
      case ENUM -> firstNonZero(field.getEnumType());
      case MESSAGE -> throw new IllegalArgumentException("not a scalar: " + field.getFullName());
    };
  }

  private static Object firstNonZero(EnumDescriptor type) {
    return type.getValues().stream()
        .filter(value -> value.getNumber() != 0)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no non-zero value in " + type));
  }

  /**
   * Timestamps and Durations have value constraints (range, nanos sign) that the generic filler
   * would break; other well-known types are refused so a new one gets deliberate handling.
   */
  private static boolean fillWellKnown(Message.Builder builder, int seed) {
    String name = builder.getDescriptorForType().getFullName();
    if (name.equals(Timestamp.getDescriptor().getFullName())) {
      builder.mergeFrom(
          Timestamp.newBuilder()
              .setSeconds(BASE_EPOCH_SECONDS + 3600L * seed)
              .setNanos(250_000_000)
              .build());
      return true;
    }
    if (name.equals(Duration.getDescriptor().getFullName())) {
      builder.mergeFrom(
          Duration.newBuilder().setSeconds(60L * seed + 1).setNanos(500_000_000).build());
      return true;
    }
    if (name.startsWith("google.protobuf.")) {
      throw new IllegalArgumentException("no sample for well-known type " + name);
    }
    return false;
  }
}
