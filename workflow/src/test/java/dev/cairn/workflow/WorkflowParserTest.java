package dev.cairn.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.Duration;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the shared vectors do not show: request handling, file reading, limits and the DAG. */
class WorkflowParserTest {
  @TempDir Path dir;

  private static List<String> reasons(List<Problem> problems) {
    return problems.stream().map(p -> p.line() + " " + p.field() + " " + p.reason()).toList();
  }

  @Test
  void withoutABaseDirAMissingWorkingDirStaysEmptyAndARelativeOneIsAProblem() throws Exception {
    assertThat(WorkflowParser.parse("steps: [{id: a, run: x}]\n", "").getWorkingDir()).isEmpty();
    assertThat(WorkflowParser.parse("working_dir: /a/./b/..\n", "").getWorkingDir())
        .isEqualTo("/a");
    assertThatThrownBy(() -> WorkflowParser.parse("name: n\nworking_dir: .\n", ""))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e ->
                assertThat(reasons(e.problems()))
                    .containsExactly("2 working_dir INVALID_WORKING_DIR"));
  }

  @Test
  void aRelativeBaseDirIsRefused() {
    assertThatThrownBy(() -> WorkflowParser.parse("name: n\n", "flows"))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e -> assertThat(reasons(e.problems())).containsExactly("0 base_dir INVALID_BASE_DIR"));
  }

  @Test
  void aRequestCarriesASpecOrTextButNotBoth() throws Exception {
    WorkflowSpec spec = WorkflowSpec.newBuilder().setName("given").build();
    SubmitRunRequest both =
        SubmitRunRequest.newBuilder().setSpec(spec).setWorkflowYaml("name: x\n").build();
    SubmitRunRequest baseDirAlone =
        SubmitRunRequest.newBuilder().setSpec(spec).setBaseDir("/srv").build();

    assertThat(SubmitRequests.spec(SubmitRunRequest.newBuilder().setSpec(spec).build()))
        .isSameAs(spec);
    assertThat(
            SubmitRequests.spec(
                SubmitRunRequest.newBuilder()
                    .setWorkflowYaml("name: x\n")
                    .setBaseDir("/srv/flows")
                    .build()))
        .isEqualTo(WorkflowSpec.newBuilder().setName("x").setWorkingDir("/srv/flows").build());
    assertThatThrownBy(() -> SubmitRequests.spec(both))
        .hasMessage("workflow_yaml: set either spec or workflow_yaml, not both");
    assertThatThrownBy(() -> SubmitRequests.spec(baseDirAlone))
        .hasMessage("base_dir: only used with workflow_yaml");
  }

  @Test
  void theMessageListsEveryProblemWithItsLine() {
    assertThatThrownBy(() -> WorkflowParser.parse("fail_fast: yes\nmax_parallel: -1\n", "/"))
        .hasMessage(
            "line 1: fail_fast: expected true or false, found 'yes'; line 2: max_parallel: must be"
                + " between 0 and 4294967295, found -1");
  }

  @Test
  void checkAddsTheDagProblemsWithTheirLines() {
    String text =
        """
        steps:
          - {id: a, run: x, depends_on: c}
          - {id: b, argv: [], depends_on: [a, nowhere]}
          - {id: b, run: y}
          - {run: no-id}
          - {id: c, run: z, depends_on: a}
        """;

    assertThat(reasons(WorkflowParser.check(text, "/srv")))
        .containsExactly(
            "3 steps[1] EMPTY_COMMAND",
            "4 steps[2].id DUPLICATE_STEP_ID",
            "5 steps[3].id INVALID_STEP_ID",
            "3 steps[1].depends_on[1] UNKNOWN_DEPENDENCY",
            "2 steps CYCLE");
    assertThat(WorkflowParser.check(text, "/srv").get(4).message())
        .isEqualTo("dependency cycle a -> c -> a");
    assertThat(reasons(WorkflowParser.check("name: x\n", "/srv")))
        .containsExactly("1 steps NO_STEPS");
  }

  @Test
  void aChainOfTenThousandStepsIsCheckedWithoutOverflowingTheStack() {
    StringBuilder text = new StringBuilder("steps:\n  - {id: s0, run: x, depends_on: s9999}\n");
    for (int step = 1; step < 10_000; step++) {
      text.append("  - {id: s").append(step).append(", run: x, depends_on: s");
      text.append(step - 1).append("}\n");
    }

    assertThat(WorkflowParser.check(text.toString(), "/srv"))
        .singleElement()
        .satisfies(problem -> assertThat(problem.reason()).isEqualTo("CYCLE"));
  }

  @Test
  void filesAreReadAsUtf8WithTheirDirectory() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("flows"));
    Path file = sub.resolve("w.yaml");
    Files.writeString(file, "name: é\n");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "name: \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    WorkflowFiles.Source source = WorkflowFiles.read(file);

    assertThat(source.text()).isEqualTo("name: é\n");
    assertThat(source.baseDir()).isEqualTo(sub.toAbsolutePath().toString());
    assertThatThrownBy(() -> WorkflowFiles.read(latin1)).hasMessage("not valid UTF-8");
    assertThatThrownBy(() -> WorkflowFiles.read(dir.resolve("missing.yaml")))
        .hasMessage("no such file");
  }

  @Test
  void aNameWithALineBreakIsRefusedOffline() {
    assertThat(WorkflowParser.check("name: |\n  evil\nsteps:\n  - {id: a, run: x}\n", "/srv"))
        .extracting(Problem::reason)
        .containsExactly("INVALID_NAME");
    assertThat(WorkflowParser.check("name: \"a\\tb\"\nsteps:\n  - {id: a, run: x}\n", "/srv"))
        .isEmpty();
  }

  @Test
  void aDeviceOrAHugeFileIsReadNoFurtherThanAFileMayHold() throws Exception {
    assertThatThrownBy(() -> WorkflowFiles.read(Path.of("/dev/zero")))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e -> {
              assertThat(e.problems())
                  .singleElement()
                  .extracting(Problem::reason)
                  .isEqualTo("SPEC_TOO_LARGE");
              assertThat(e.getMessage()).contains("larger than " + WorkflowFiles.MAX_FILE_BYTES);
            });
    assertThatThrownBy(() -> WorkflowFiles.read(dir)).hasMessageStartingWith("cannot read");
  }

  @Test
  void aTenMegabyteFileParses() throws Exception {
    StringBuilder text = new StringBuilder("steps:\n");
    String chunk = "      " + "x".repeat(1023) + "\n";
    for (int step = 0; step < 10; step++) {
      text.append("  - id: s").append(step).append("\n    run: |\n");
      text.append(chunk.repeat(1024));
    }

    WorkflowSpec spec = WorkflowParser.parse(text.toString(), "/srv");

    assertThat(spec.getStepsList()).hasSize(10);
    assertThat(spec.getSerializedSize()).isGreaterThan(10_000_000);
  }

  @Test
  void aTenMegabyteLineParsesInLinearTime() {
    // Read from a String, the YAML reader copies what is left of its buffer at each refill,
    // which made one long line take minutes; the parser reads through a Reader instead.
    String text = "steps:\n  - id: a\n    run: echo " + "x".repeat(10 * 1024 * 1024) + "\n";

    WorkflowSpec spec =
        assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(30), () -> WorkflowParser.parse(text, "/srv"));

    assertThat(spec.getSteps(0).getRun()).hasSize(5 + 10 * 1024 * 1024);
  }

  @Test
  void textOverTheCodePointLimitIsOneClearProblem() {
    String text = "name: |\n" + ("  " + "y".repeat(1021) + "\n").repeat(65 * 1024);

    assertThatThrownBy(() -> WorkflowParser.parse(text, "/srv"))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e -> {
              assertThat(e.problems())
                  .singleElement()
                  .extracting(Problem::reason)
                  .isEqualTo("INVALID_YAML");
              assertThat(e.getMessage()).doesNotContain("\n");
            });
  }

  @Test
  void deepNestingIsOneProblemNotAStackOverflow() {
    String text = "name: " + "[".repeat(1_000_000) + "]".repeat(1_000_000) + "\n";

    assertThatThrownBy(() -> WorkflowParser.parse(text, "/srv"))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e ->
                assertThat(reasons(e.problems()))
                    .singleElement()
                    .asString()
                    .endsWith("INVALID_YAML"));
  }

  @Test
  void aliasesAreFollowedAndSelfReferenceIsATypeProblem() throws Exception {
    String text =
        """
        env: &shared {A: "1"}
        steps:
          - {id: a, run: x, env: *shared}
          - &self [*self]
        """;

    assertThatThrownBy(() -> WorkflowParser.parse(text, "/srv"))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e -> assertThat(reasons(e.problems())).containsExactly("4 steps[1] WRONG_TYPE"));
  }

  /**
   * 360 KB of text whose aliases name a 130,000-character scalar 20,000 times: 2.6 billion
   * characters once expanded, which once passed the size check (an int overflowed) and stopped the
   * server when the spec could not be stored.
   */
  @Test
  void aliasesMayNotExpandTheFilePastWhatAFileMayHold() {
    StringBuilder text =
        new StringBuilder("env: {BIG: &big " + "a".repeat(130_000) + "}\nsteps:\n");
    for (int i = 0; i < 2000; i++) {
      text.append("  - {id: s").append(i).append(", run: x, env: {");
      for (int j = 0; j < 10; j++) {
        text.append(j == 0 ? "" : ", ").append("V").append(j).append(": *big");
      }
      text.append("}}\n");
    }

    assertThatThrownBy(() -> WorkflowParser.parse(text.toString(), "/srv"))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e -> {
              assertThat(e.problems())
                  .singleElement()
                  .extracting(Problem::reason)
                  .isEqualTo("SPEC_TOO_LARGE");
              assertThat(e.getMessage()).contains("aliases expand it to more than");
            });
  }

  @Test
  void aliasesOfCollectionsCountTheirWholeText() {
    StringBuilder text =
        new StringBuilder("env: &env {BIG: " + "a".repeat(1_000_000) + "}\nsteps:\n");
    for (int i = 0; i < 100; i++) {
      text.append("  - {id: s").append(i).append(", run: x, env: *env}\n");
    }

    assertThatThrownBy(() -> WorkflowParser.parse(text.toString(), "/srv"))
        .isInstanceOfSatisfying(
            WorkflowFileException.class,
            e -> assertThat(e.problems()).extracting(Problem::reason).contains("SPEC_TOO_LARGE"));
  }

  @Test
  void aFewAliasesOfALongScalarAreFine() throws Exception {
    String text =
        "env: {BIG: &big "
            + "a".repeat(100_000)
            + "}\nsteps:\n  - {id: a, run: x, env: {C: *big}}\n";

    assertThat(WorkflowParser.parse(text, "/srv").getSteps(0).getEnvMap()).containsKey("C");
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
}
