package dev.cairn.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import dev.cairn.v1.Argv;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepDefaults;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowFileTest {
  private static final String EXAMPLE =
      """
      name: build-and-test            # default: the file name without extension
      max_parallel: 4
      fail_fast: false
      working_dir: .
      env: { GREETING: hello }
      defaults:
        timeout: 10m
        retry: { max_attempts: 3, initial_backoff: 1s, multiplier: 2.0, max_backoff: 1m, jitter: 0.2 }
      steps:
        - id: fetch
          run: ./fetch.sh
        - id: test
          argv: [make, test]
          depends_on: [fetch]
          timeout: 30m
          env: { K: v }
          retry: { max_attempts: 2, retry_on_exit_codes: [75] }
      """;

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  @Test
  void theFullExampleParsesToTheExpectedSpec() throws Exception {
    WorkflowSpec expected =
        WorkflowSpec.newBuilder()
            .setName("build-and-test")
            .setMaxParallel(4)
            .setFailFast(false)
            .setWorkingDir(dir.toAbsolutePath().normalize().toString())
            .putEnv("GREETING", "hello")
            .setDefaults(
                StepDefaults.newBuilder()
                    .setTimeout(seconds(600))
                    .setRetry(
                        RetryPolicy.newBuilder()
                            .setMaxAttempts(3)
                            .setInitialBackoff(seconds(1))
                            .setMultiplier(2.0)
                            .setMaxBackoff(seconds(60))
                            .setJitter(0.2)))
            .addSteps(StepSpec.newBuilder().setId("fetch").setRun("./fetch.sh"))
            .addSteps(
                StepSpec.newBuilder()
                    .setId("test")
                    .setArgv(Argv.newBuilder().addArgs("make").addArgs("test"))
                    .addDependsOn("fetch")
                    .setTimeout(seconds(1800))
                    .putEnv("K", "v")
                    .setRetry(RetryPolicy.newBuilder().setMaxAttempts(2).addRetryOnExitCodes(75)))
            .build();

    assertThat(WorkflowFile.parse(write("build.yaml", EXAMPLE))).isEqualTo(expected);
  }

  @Test
  void nameAndWorkingDirDefaultToTheFileNameAndItsDirectory() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("flows"));
    Path file = sub.resolve("nightly.build.yml");
    Files.writeString(file, "steps:\n  - id: a\n    run: true\n");

    WorkflowSpec spec = WorkflowFile.parse(file);

    assertThat(spec.getName()).isEqualTo("nightly.build");
    assertThat(spec.getWorkingDir()).isEqualTo(sub.toAbsolutePath().toString());
    assertThat(Path.of(spec.getWorkingDir()).isAbsolute()).isTrue();
  }

  @Test
  void aRelativeWorkingDirIsTakenFromTheFilesDirectory() throws Exception {
    WorkflowSpec spec = WorkflowFile.parse(write("w.yaml", "working_dir: ../elsewhere\n"));

    assertThat(spec.getWorkingDir())
        .isEqualTo(dir.toAbsolutePath().getParent().resolve("elsewhere").toString());
  }

  @Test
  void dependsOnAcceptsASingleStringOrAList() throws Exception {
    WorkflowSpec spec =
        WorkflowFile.parse(
            write(
                "deps.yaml",
                """
                steps:
                  - {id: a, run: x}
                  - {id: b, run: x, depends_on: a}
                  - {id: c, run: x, depends_on: [a, b]}
                """));

    assertThat(spec.getSteps(1).getDependsOnList()).containsExactly("a");
    assertThat(spec.getSteps(2).getDependsOnList()).containsExactly("a", "b");
  }

  @ParameterizedTest(name = "{0} = {1}s {2}ns")
  @CsvSource({
    "500ms, 0, 500000000",
    "1s, 1, 0",
    "1.5s, 1, 500000000",
    "2m, 120, 0",
    "1h30m, 5400, 0",
    "1h2m3s4ms, 3723, 4000000",
    "250us, 0, 250000",
    "30, 30, 0",
    "0.25, 0, 250000000",
  })
  void durationsAreGoStyleOrSeconds(String text, long seconds, int nanos) {
    assertThat(GoDuration.parse(text))
        .contains(Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build());
  }

  @ParameterizedTest
  @CsvSource({"abc", "1x", "-1s", "1.5.2s", "s", "1h 30m", "5m10", "''"})
  void badDurationsAreRejected(String text) {
    assertThat(GoDuration.parse(text)).isEmpty();
  }

  /** Each bad file is reported through the command line with its line and key path. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown key       | 'steps:\\n  - id: a\\n    run: x\\n  - id: b\\n    timout: 3s\\n' | w.yaml:5: steps[1].timout: unknown key
          unknown top key   | 'name: x\\nmax_paralel: 3\\n'                                  | w.yaml:2: max_paralel: unknown key
          bad duration      | 'defaults:\\n  timeout: 10 minutes\\n'                         | w.yaml:2: defaults.timeout: bad duration '10 minutes'
          bad retry backoff | 'steps:\\n  - id: a\\n    retry: {initial_backoff: 1y}\\n'    | w.yaml:3: steps[0].retry.initial_backoff: bad duration '1y'
          wrong type int    | 'max_parallel: many\\n'                                        | w.yaml:1: max_parallel: expected an integer, found 'many'
          wrong type bool   | 'fail_fast: sometimes\\n'                                      | w.yaml:1: fail_fast: expected true or false
          steps not a list  | 'steps:\\n  a: 1\\n'                                          | w.yaml:2: steps: expected a list of steps, found a mapping
          run not a string  | 'steps:\\n  - id: a\\n    run: [x]\\n'                        | w.yaml:3: steps[0].run: expected a string, found a list
          argv not a list   | 'steps:\\n  - id: a\\n    argv: make\\n'                      | w.yaml:3: steps[0].argv: expected a list, found 'make'
          env not a mapping | 'env: [A]\\n'                                                  | w.yaml:1: env: expected a mapping (key: value), found a list
          exit code type    | 'steps:\\n  - id: a\\n    retry:\\n      retry_on_exit_codes: [x]\\n' | w.yaml:4: steps[0].retry.retry_on_exit_codes[0]: expected an integer
          negative int      | 'max_parallel: -1\\n'                                          | w.yaml:1: max_parallel: must be between 0 and 4294967295
          duplicate key     | 'name: a\\nname: b\\n'                                         | w.yaml:2: name: duplicate key
          root not mapping  | '- a\\n'                                                       | w.yaml:1: expected a mapping (key: value), found a list
          bad yaml          | 'steps: [a\\n'                                                 | w.yaml:2: invalid YAML
          """)
  void badInputExitsTwoWithFileLineAndKey(String caseName, String content, String message)
      throws IOException {
    Path file = write("w.yaml", content.replace("\\n", "\n"));

    CliHarness.Result result =
        new CliHarness(Map.of("CAIRN_SERVER", "127.0.0.1:1")).execute("validate", file.toString());

    assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).startsWith("cairn: " + file.getParent().resolve(message));
    assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void aMissingOrEmptyFileIsBadInput() throws IOException {
    CliHarness cli = new CliHarness(Map.of("CAIRN_SERVER", "127.0.0.1:1"));
    Path missing = dir.resolve("missing.yaml");
    Path empty = write("empty.yaml", "# nothing\n");

    CliHarness.Result missingResult = cli.execute("submit", missing.toString());
    CliHarness.Result emptyResult = cli.execute("submit", empty.toString());

    assertThat(missingResult.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missingResult.err()).isEqualTo("cairn: " + missing + ": no such file\n");
    assertThat(emptyResult.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(emptyResult.err()).isEqualTo("cairn: " + empty + ": the file is empty\n");
  }

  @Test
  void bothRunAndArgvIsLeftToTheServerAsAStepWithoutCommand() throws Exception {
    WorkflowSpec spec =
        WorkflowFile.parse(write("both.yaml", "steps:\n  - id: a\n    run: x\n    argv: [y]\n"));

    assertThat(spec.getSteps(0).getCommandCase()).isEqualTo(StepSpec.CommandCase.COMMAND_NOT_SET);
  }

  @Test
  void semanticProblemsAreNotLocalErrors() throws Exception {
    WorkflowSpec spec =
        WorkflowFile.parse(
            write(
                "cycle.yaml",
                """
                steps:
                  - {id: a, run: '', depends_on: b}
                  - {id: b, argv: [], depends_on: [a, nowhere]}
                  - {id: b}
                  - {run: no-id}
                """));

    assertThat(spec.getStepsList()).hasSize(4);
    assertThat(spec.getSteps(0).getRun()).isEmpty();
    assertThat(spec.getSteps(1).getArgv().getArgsList()).isEmpty();
  }

  @Test
  void aTenMegabyteFileParses() throws Exception {
    Path file = dir.resolve("big.yaml");
    String chunk = "x".repeat(1023) + "\n";
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write("steps:\n");
      for (int step = 0; step < 10; step++) {
        writer.write("  - id: s" + step + "\n    run: |\n");
        for (int line = 0; line < 1024; line++) {
          writer.write("      " + chunk);
        }
      }
    }
    assertThat(Files.size(file)).isGreaterThan(10_000_000);

    WorkflowSpec spec = WorkflowFile.parse(file);

    assertThat(spec.getStepsList()).hasSize(10);
    assertThat(spec.getSerializedSize()).isGreaterThan(10_000_000);
  }

  @Test
  void aFileOverTheCodePointLimitIsAClearError() throws Exception {
    Path file = dir.resolve("huge.yaml");
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write("name: |\n");
      String line = "  " + "y".repeat(1021) + "\n";
      for (int index = 0; index < WorkflowFile.CODE_POINT_LIMIT / 1024 + 1; index++) {
        writer.write(line);
      }
    }

    assertThatThrownBy(() -> WorkflowFile.parse(file))
        .isInstanceOf(WorkflowFileException.class)
        .hasMessageStartingWith(file + ": invalid YAML:");
  }
}
