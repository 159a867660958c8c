package dev.cairn.v1.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.cairn.v1.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps proto/testdata in step with the schema: the shared vectors that the Python and Go client
 * tests decode. Run with {@code -Dcairn.vectors.write=true} to rewrite them after a schema change.
 */
class VectorsTest {

  private static final Path TESTDATA =
      Path.of(System.getProperty("basedir", ".")).resolve("testdata");

  @Test
  void samplesCoverEveryPayloadCase() {
    List<String> cases =
        Event.getDescriptor().getOneofs().stream()
            .filter(oneof -> oneof.getName().equals("payload"))
            .flatMap(oneof -> oneof.getFields().stream())
            .map(field -> "event_" + field.getName())
            .toList();

    assertThat(cases).isNotEmpty();
    assertThat(EventSamples.eventsByPayloadCase().keySet()).containsExactlyElementsOf(cases);
  }

  @Test
  void samplesSetEveryFieldToANonDefaultValue() {
    for (Event event : EventSamples.eventsByPayloadCase().values()) {
      assertEveryFieldSet(event, event.getPayloadCase().name());
    }
    for (var event : EventSamples.scheduleEventsByPayloadCase().values()) {
      assertEveryFieldSet(event, event.getPayloadCase().name());
    }
    assertEveryFieldSet(EventSamples.workflowSpec(), "WorkflowSpec");
  }

  @Test
  void samplesAreDeterministic() {
    assertThat(expectedFiles()).isEqualTo(expectedFiles());
  }

  @Test
  void vectorsOnDiskMatchTheSamples() throws IOException {
    Map<String, ByteString> expected = expectedFiles();
    if (Boolean.getBoolean("cairn.vectors.write")) {
      write(expected);
    }
    Map<String, ByteString> actual = readVectors();

    assertThat(actual.keySet())
        .as("vector files in %s (rewrite with -Dcairn.vectors.write=true)", TESTDATA)
        .containsExactlyElementsOf(expected.keySet());
    for (Map.Entry<String, ByteString> file : expected.entrySet()) {
      // Compared as text: a readable diff for the JSON files, a hex dump for the binary ones.
      assertThat(render(file.getKey(), actual.get(file.getKey())))
          .as(
              "%s differs from the samples (rewrite with -Dcairn.vectors.write=true)",
              file.getKey())
          .isEqualTo(render(file.getKey(), file.getValue()));
    }
  }

  private static String render(String name, ByteString content) {
    if (name.endsWith(".json")) {
      return content.toStringUtf8();
    }
    StringBuilder hex = new StringBuilder();
    for (int index = 0; index < content.size(); index++) {
      hex.append(String.format("%02x", content.byteAt(index)))
          .append(index % 32 == 31 ? "\n" : " ");
    }
    return hex.toString();
  }

  /** File name to content, sorted by name. */
  static Map<String, ByteString> expectedFiles() {
    Map<String, ByteString> files = new TreeMap<>();
    EventSamples.eventsByPayloadCase().forEach((name, event) -> addVector(files, name, event));
    EventSamples.scheduleEventsByPayloadCase()
        .forEach((name, event) -> addVector(files, name, event));
    addVector(files, "workflow_spec", EventSamples.workflowSpec());
    return files;
  }

  private static void addVector(Map<String, ByteString> files, String name, Message message) {
    files.put(name + ".binpb", ByteString.copyFrom(deterministicBytes(message)));
    try {
      String json = JsonFormat.printer().print(message) + "\n";
      files.put(name + ".json", ByteString.copyFromUtf8(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sorted map keys, as the Python and Go clients produce with their deterministic options. */
  private static byte[] deterministicBytes(Message message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream output = CodedOutputStream.newInstance(bytes);
      output.useDeterministicSerialization();
      message.writeTo(output);
      output.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, ByteString> readVectors() throws IOException {
    Map<String, ByteString> files = new TreeMap<>();
    if (!Files.isDirectory(TESTDATA)) {
      return files;
    }
    try (Stream<Path> paths = Files.list(TESTDATA)) {
      for (Path path :
          paths
              .filter(p -> p.toString().endsWith(".binpb") || p.toString().endsWith(".json"))
              .collect(Collectors.toList())) {
        files.put(path.getFileName().toString(), ByteString.copyFrom(Files.readAllBytes(path)));
      }
    }
    return files;
  }

  private static void write(Map<String, ByteString> expected) throws IOException {
    Files.createDirectories(TESTDATA);
    for (String stale : new ArrayList<>(readVectors().keySet())) {
      if (!expected.containsKey(stale)) {
        Files.delete(TESTDATA.resolve(stale));
      }
    }
    for (Map.Entry<String, ByteString> file : expected.entrySet()) {
      Files.write(TESTDATA.resolve(file.getKey()), file.getValue().toByteArray());
    }
  }

  /** Walks the message and fails on any singular field left at its default. */
  private static void assertEveryFieldSet(Message message, String path) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String fieldPath = path + "." + field.getName();
      if (field.getRealContainingOneof() != null) {
        // Only the chosen case of a oneof is set; it must be fully populated itself.
        if (message.hasField(field) && message.getField(field) instanceof Message chosen) {
          assertEveryFieldSet(chosen, fieldPath);
        }
        continue;
      }
      if (field.isRepeated()) {
        assertThat(message.getRepeatedFieldCount(field)).as(fieldPath).isPositive();
        for (int index = 0; index < message.getRepeatedFieldCount(field); index++) {
          if (message.getRepeatedField(field, index) instanceof Message element) {
            assertEveryFieldSet(element, fieldPath + "[" + index + "]");
          }
        }
      } else {
        assertThat(message.hasField(field)).as(fieldPath).isTrue();
        if (message.getField(field) instanceof Message child) {
          assertEveryFieldSet(child, fieldPath);
        }
      }
    }
    message
        .getDescriptorForType()
        .getRealOneofs()
        .forEach(
            oneof -> assertThat(message.hasOneof(oneof)).as(path + "." + oneof.getName()).isTrue());
  }
}
