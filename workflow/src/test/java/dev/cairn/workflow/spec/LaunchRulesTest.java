package dev.cairn.workflow.spec;

import static dev.cairn.workflow.spec.SpecFixture.argv;
import static dev.cairn.workflow.spec.SpecFixture.spec;
import static dev.cairn.workflow.spec.SpecFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every spec the launcher or the kernel would refuse at a step's start is refused at submit. */
class LaunchRulesTest {
  private static final String NUL = "\0";

  static Stream<Arguments> poison() {
    StepSpec ok = step("a");
    String huge = "x".repeat(LaunchRules.MAX_STRING_BYTES + 1);
    return Stream.of(
        poisoned("workflow env CAIRN_MARKER", spec(ok).toBuilder().putEnv("CAIRN_MARKER", "x"))
            .expect("RESERVED_ENV", "env.CAIRN_MARKER"),
        poisoned("workflow env CAIRN_RUN_ID", spec(ok).toBuilder().putEnv("CAIRN_RUN_ID", "x"))
            .expect("RESERVED_ENV", "env.CAIRN_RUN_ID"),
        poisoned(
                "step env CAIRN_STEP_ID",
                spec(ok.toBuilder().putEnv("CAIRN_STEP_ID", "x").build()).toBuilder())
            .expect("RESERVED_ENV", "steps[0].env.CAIRN_STEP_ID"),
        poisoned(
                "step env CAIRN_ATTEMPT",
                spec(ok.toBuilder().putEnv("CAIRN_ATTEMPT", "9").build()).toBuilder())
            .expect("RESERVED_ENV", "steps[0].env.CAIRN_ATTEMPT"),
        poisoned(
                "NUL in run",
                spec(StepSpec.newBuilder().setId("a").setRun("echo a" + NUL + "b").build())
                    .toBuilder())
            .expect("INVALID_COMMAND", "steps[0].run"),
        poisoned("NUL in argv", spec(argv("a", "echo", "a" + NUL)).toBuilder())
            .expect("INVALID_COMMAND", "steps[0].argv[1]"),
        poisoned("NUL in argv[0]", spec(argv("a", "ec" + NUL + "ho")).toBuilder())
            .expect("INVALID_COMMAND", "steps[0].argv[0]"),
        poisoned("NUL in an env name", spec(ok).toBuilder().putEnv("A" + NUL, "x"))
            .expect("INVALID_ENV", "env"),
        poisoned(
                "NUL in a step env value",
                spec(ok.toBuilder().putEnv("A", "x" + NUL).build()).toBuilder())
            .expect("INVALID_ENV", "steps[0].env.A"),
        poisoned("= in an env name", spec(ok).toBuilder().putEnv("A=B", "x"))
            .expect("INVALID_ENV", "env"),
        poisoned("empty env name", spec(ok).toBuilder().putEnv("", "x"))
            .expect("INVALID_ENV", "env"),
        poisoned("NUL in working_dir", spec(ok).toBuilder().setWorkingDir("/tmp" + NUL))
            .expect("INVALID_WORKING_DIR", "working_dir"),
        poisoned("NUL in name", spec(ok).toBuilder().setName("n" + NUL))
            .expect("INVALID_NAME", "name"),
        poisoned("an escape sequence in name", spec(ok).toBuilder().setName("n\u001b[2J"))
            .expect("INVALID_NAME", "name"),
        poisoned("a line break in name", spec(ok).toBuilder().setName("n\r\nFAKE"))
            .expect("INVALID_NAME", "name"),
        poisoned(
                "a right-to-left override in name",
                spec(ok).toBuilder().setName("nightly \u202edliub-dorp"))
            .expect("INVALID_NAME", "name"),
        poisoned("a bidi isolate in name", spec(ok).toBuilder().setName("a\u2066b"))
            .expect("INVALID_NAME", "name"),
        poisoned(
                "an argument past the kernel's limit",
                spec(StepSpec.newBuilder().setId("a").setRun(huge).build()).toBuilder())
            .expect("INVALID_COMMAND", "steps[0].run"),
        poisoned("a variable past the kernel's limit", spec(ok).toBuilder().putEnv("BIG", huge))
            .expect("INVALID_ENV", "env.BIG"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poison")
  void refusedNamingTheField(String variant, WorkflowSpec spec, String reason, String field) {
    InvalidSpecException refusal =
        catchThrowableOfType(
            InvalidSpecException.class, () -> SpecValidator.validate(spec, SpecLimits.DEFAULT));
    assertThat(refusal).as(variant).isNotNull();
    assertThat(refusal.reason()).isEqualTo(reason);
    assertThat(refusal.field()).isEqualTo(field);
    // One printable line that starts with where the problem is.
    assertThat(refusal.getMessage()).startsWith(field.split("\\.")[0]).doesNotContain(NUL, "\n");
  }

  @Test
  void acceptsOrdinaryVariablesAndTheServerClientsOwn() {
    // CAIRN_SERVER and CAIRN_TOKEN are the CLI's: a step may set them to call another server.
    SpecValidator.validate(
        spec(step("a")).toBuilder()
            .putEnv("CAIRN_SERVER", "127.0.0.1:7420")
            .putEnv("GREETING", "héllo")
            .build(),
        SpecLimits.DEFAULT);
  }

  private static Poisoned poisoned(String variant, WorkflowSpec.Builder spec) {
    return new Poisoned(variant, spec.build());
  }

  private record Poisoned(String variant, WorkflowSpec spec) {
    Arguments expect(String reason, String field) {
      return Arguments.of(variant, spec, reason, field);
    }
  }
}
