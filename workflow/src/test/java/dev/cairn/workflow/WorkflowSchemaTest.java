package dev.cairn.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/workflow.schema.json, which editors use, and the parser's accepted keys the same: the
 * test fails when either accepts a key the other lacks.
 */
class WorkflowSchemaTest {
  private static final Path SCHEMA =
      Path.of(System.getProperty("basedir", "."))
          .resolve("../docs/workflow.schema.json")
          .normalize();

  @Test
  void everyMappingOfTheSchemaHasExactlyTheParsersKeys() throws Exception {
    Struct.Builder schema = Struct.newBuilder();
    JsonFormat.parser().merge(Files.readString(SCHEMA), schema);
    Struct definitions = schema.getFieldsOrThrow("$defs").getStructValue();

    for (Map.Entry<String, Set<String>> mapping : WorkflowKeys.BY_DEFINITION.entrySet()) {
      Struct object =
          mapping.getKey().equals("workflow")
              ? schema.build()
              : definitions.getFieldsOrThrow(mapping.getKey()).getStructValue();

      assertThat(object.getFieldsOrThrow("properties").getStructValue().getFieldsMap().keySet())
          .as("keys of %s in %s", mapping.getKey(), SCHEMA)
          .containsExactlyInAnyOrderElementsOf(mapping.getValue());
      assertThat(object.getFieldsOrThrow("additionalProperties").getBoolValue())
          .as("%s refuses unknown keys, as the parser does", mapping.getKey())
          .isFalse();
    }
  }
}
