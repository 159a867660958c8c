package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code cairn validate} and the local checks of {@code submit}, with no server: the address points
 * at a port nothing listens on, so any attempt to reach one would fail the test.
 */
class ValidateCommandTest {
  private static final Path REPO =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();

  @TempDir Path dir;

  private final CliHarness cli = new CliHarness(Map.of("CAIRN_SERVER", "127.0.0.1:1"));

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void aGoodFileIsValidWithoutAServer() {
    CliHarness.Result result =
        cli.execute("validate", REPO.resolve("examples/diamond-flaky.yaml").toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo("valid: 4 steps\n");
    CliHarness.Result json =
        cli.execute(
            "validate", REPO.resolve("examples/diamond-flaky.yaml").toString(), "-o", "json");
    assertThat(json.out()).isEqualTo("{\"valid\":true,\"steps\":4}\n");
  }

  @ParameterizedTest
  @CsvSource({
    "params.yaml,1",
    "outputs.yaml,3",
    "trigger-rules.yaml,3",
    "run-timeout.yaml,2",
    "labels.yaml,1",
    "rerun.yaml,3"
  })
  void everyFeatureExampleIsValid(String example, int steps) {
    CliHarness.Result result =
        cli.execute("validate", REPO.resolve("examples").resolve(example).toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .isEqualTo("valid: " + steps + " step" + (steps == 1 ? "" : "s") + "\n");
  }

  @Test
  void everyProblemOfTheFileIsListedWithItsLineAndField() throws IOException {
    Path file =
        write(
            "three.yaml",
            """
            name: three
            max_paralel: 4
            steps:
              - {id: a, run: x, timeout: soon}
              - {id: b, run: y, depends_on: [ghost]}
            """);

    CliHarness.Result result = cli.execute("validate", file.toString());
    CliHarness.Result json = cli.execute("validate", file.toString(), "-o", "json");

    assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err().lines())
        .hasSize(3)
        .satisfiesExactly(
            line -> assertThat(line).startsWith("cairn: " + file + ":2: max_paralel: unknown key"),
            line ->
                assertThat(line)
                    .startsWith("cairn: " + file + ":4: steps[0].timeout: bad duration 'soon'"),
            line ->
                assertThat(line)
                    .isEqualTo(
                        "cairn: "
                            + file
                            + ":5: steps[1].depends_on[0]: depends on unknown step 'ghost'"));
    assertThat(json.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(json.err().lines())
        .singleElement()
        .asString()
        .contains("\"reason\":\"UNKNOWN_KEY\"");
  }

  /** Each bad file is reported with its line and key path. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown key       | 'steps:\\n  - id: a\\n    run: x\\n  - id: b\\n    run: x\\n    timout: 3s\\n' | w.yaml:6: steps[1].timout: unknown key
          unknown top key   | 'name: x\\nmax_paralel: 3\\nsteps: [{id: a, run: x}]\\n'   | w.yaml:2: max_paralel: unknown key
          bad duration      | 'defaults:\\n  timeout: 10 minutes\\nsteps: [{id: a, run: x}]\\n' | w.yaml:2: defaults.timeout: bad duration '10 minutes'
          wrong type int    | 'max_parallel: many\\nsteps: [{id: a, run: x}]\\n'         | w.yaml:1: max_parallel: expected an integer, found 'many'
          yes is no bool    | 'fail_fast: yes\\nsteps: [{id: a, run: x}]\\n'             | w.yaml:1: fail_fast: expected true or false, found 'yes'
          steps not a list  | 'steps:\\n  a: 1\\n'                                       | w.yaml:2: steps: expected a list of steps, found a mapping
          duplicate key     | 'name: a\\nname: b\\nsteps: [{id: a, run: x}]\\n'          | w.yaml:2: name: duplicate key (first on line 1)
          root not mapping  | '- a\\n'                                                    | w.yaml:1: expected a mapping (key: value), found a list
          bad yaml          | 'steps: [a\\n'                                              | w.yaml:2: invalid YAML
          cycle             | 'steps:\\n  - {id: a, run: x, depends_on: b}\\n  - {id: b, run: x, depends_on: a}\\n' | w.yaml:2: steps: dependency cycle a -> b -> a
          """)
  void badInputExitsTwoWithFileLineAndKey(String caseName, String content, String message)
      throws IOException {
    Path file = write("w.yaml", content.replace("\\n", "\n"));

    CliHarness.Result result = cli.execute("validate", file.toString());

    assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).startsWith("cairn: " + file.getParent().resolve(message));
    assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("Exception");
  }

  /**
   * What the server would refuse at submit is refused here too, in its words (before, each of these
   * files was "valid" here and refused by the server).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          reserved variable | 'env: {CAIRN_RUN_ID: x}\nsteps: [{id: a, run: x}]\n'              | w.yaml: env.CAIRN_RUN_ID: CAIRN_RUN_ID is set by the server
          retry range       | 'steps: [{id: a, run: x, retry: {max_attempts: 2, jitter: 3}}]\n' | w.yaml: steps[0].retry.jitter: must be between 0 and 1
          attempts 2^31     | 'steps: [{id: a, run: x, retry: {max_attempts: 2147483648}}]\n'  | w.yaml: steps[0].retry.max_attempts: 2147483648 is above 1000
          366 days and 1ns  | 'steps: [{id: a, run: x, timeout: 8784h1ns}]\n'                   | w.yaml: steps[0].timeout: longer than 366 days
          label key         | 'labels: {"bad key": x}\nsteps: [{id: a, run: x}]\n'             | w.yaml: labels: 'bad key' is not a label key
          parameter name    | 'params: [{name: "1x"}]\nsteps: [{id: a, run: x}]\n'             | w.yaml: params[0].name: '1x' must match
          """)
  void whatTheServerWouldRefuseIsRefusedHere(String caseName, String content, String message)
      throws IOException {
    Path file = write("w.yaml", content.replace("\\n", "\n"));

    CliHarness.Result result = cli.execute("validate", file.toString());
    CliHarness.Result json = cli.execute("validate", file.toString(), "-o", "json");

    assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).startsWith("cairn: " + file.getParent().resolve(message));
    assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("Exception");
    assertThat(json.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(json.err()).contains("\"reason\":\"");
  }

  /** A file over the server's limit is refused as the server refuses it, whatever its spec. */
  @Test
  void aFileOverTheSpecLimitIsRefused() throws IOException {
    Path file = write("padded.yaml", "# " + "x".repeat(1_100_000) + "\nsteps: [{id: a, run: x}]\n");

    CliHarness.Result result = cli.execute("validate", file.toString());

    assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err())
        .startsWith("cairn: " + file + ": the workflow file is 1100028 bytes; the limit is");
  }

  @Test
  void submitChecksTheFileHereBeforeReachingForTheServer() throws IOException {
    Path missing = dir.resolve("missing.yaml");
    Path empty = write("empty.yaml", "# nothing\n");
    Path bad = write("bad.yaml", "fail_fast: yes\nsteps: [{id: a, run: x, timeout: 1:30}]\n");

    CliHarness.Result missingResult = cli.execute("submit", missing.toString());
    CliHarness.Result emptyResult = cli.execute("run", empty.toString());
    CliHarness.Result badResult = cli.execute("submit", bad.toString());

    assertThat(missingResult.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missingResult.err()).isEqualTo("cairn: " + missing + ": no such file\n");
    assertThat(emptyResult.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(emptyResult.err()).isEqualTo("cairn: " + empty + ":1: the file is empty\n");
    assertThat(badResult.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badResult.err().lines())
        .containsExactly(
            "cairn: " + bad + ":1: fail_fast: expected true or false, found 'yes'",
            "cairn: "
                + bad
                + ":2: steps[0].timeout: bad duration '1:30' (expected e.g. 500ms, 1.5s, 2m,"
                + " 1h30m or a number of seconds)");
  }
}
