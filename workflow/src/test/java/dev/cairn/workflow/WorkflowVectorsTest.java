package dev.cairn.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.cairn.v1.WorkflowSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the shared workflow vectors of proto/testdata/workflows through the parser. The Python and
 * Go clients send the same files to a real server, so the three agree on every one.
 */
class WorkflowVectorsTest {
  /** The directory every vector is parsed from, as proto/testdata/workflows/README.md says. */
  static final String BASE_DIR = "/srv/flows";

  static final Path VECTORS =
      Path.of(System.getProperty("basedir", "."))
          .resolve("../proto/testdata/workflows")
          .normalize();

  static Stream<String> vectors() throws IOException {
    try (Stream<Path> files = Files.list(VECTORS)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .map(name -> name.substring(0, name.length() - ".yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void everyVectorHasExactlyOneExpectationAndEveryExpectationAVector() throws IOException {
    List<String> names = vectors().toList();
    assertThat(names).hasSizeGreaterThanOrEqualTo(20);
    for (String name : names) {
      assertThat(
              Files.exists(VECTORS.resolve(name + ".json"))
                  ^ Files.exists(VECTORS.resolve(name + ".error.json")))
          .as("%s has one of .json and .error.json", name)
          .isTrue();
    }
    try (Stream<Path> files = Files.list(VECTORS)) {
      files
          .map(file -> file.getFileName().toString())
          .filter(file -> file.endsWith(".json"))
          .forEach(
              file ->
                  assertThat(names)
                      .as("the vector of %s", file)
                      .contains(file.replaceAll("(\\.error)?\\.json$", "")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void theParserGivesTheExpectedSpecOrProblems(String name) throws Exception {
    String text = read(name + ".yaml");
    if (Files.exists(VECTORS.resolve(name + ".json"))) {
      WorkflowSpec.Builder expected = WorkflowSpec.newBuilder();
      JsonFormat.parser().merge(read(name + ".json"), expected);

      assertThat(WorkflowParser.parse(text, BASE_DIR)).isEqualTo(expected.build());
    } else {
      List<String> expected = expectedProblems(read(name + ".error.json"));

      assertThatThrownBy(() -> WorkflowParser.parse(text, BASE_DIR))
          .isInstanceOfSatisfying(
              WorkflowFileException.class,
              e ->
                  assertThat(
                          e.problems().stream()
                              .map(p -> p.line() + " " + p.field() + " " + p.reason())
                              .toList())
                      .isEqualTo(expected));
    }
  }

  private static List<String> expectedProblems(String json) throws InvalidProtocolBufferException {
    Struct.Builder document = Struct.newBuilder();
    JsonFormat.parser().merge(json, document);
    return document.getFieldsOrThrow("problems").getListValue().getValuesList().stream()
        .map(Value::getStructValue)
        .map(
            problem ->
                (long) problem.getFieldsOrThrow("line").getNumberValue()
                    + " "
                    + problem.getFieldsOrThrow("field").getStringValue()
                    + " "
                    + problem.getFieldsOrThrow("reason").getStringValue())
        .toList();
  }

  private static String read(String file) throws IOException {
    return Files.readString(VECTORS.resolve(file), StandardCharsets.UTF_8);
  }
}
