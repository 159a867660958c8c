package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid specs are refused with INVALID_ARGUMENT naming the problem, and write no event. */
class BadInputIT extends SharedServer {

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of(
            workflow(
                "cycle", shell("a", "true", "c"), shell("b", "true", "a"), shell("c", "true", "b")),
            "CYCLE",
            "cycle"),
        Arguments.of(
            workflow("unknown", shell("a", "true", "ghost")), "UNKNOWN_DEPENDENCY", "ghost"),
        Arguments.of(
            workflow("duplicate", shell("a", "true"), shell("a", "true")),
            "DUPLICATE_STEP_ID",
            "duplicate step id 'a'"),
        Arguments.of(
            workflow("empty", StepSpec.newBuilder().setId("a").setRun("").build()),
            "EMPTY_COMMAND",
            "run is empty"),
        Arguments.of(
            workflow("huge", shell("a", "echo " + "x".repeat(10 * 1024 * 1024))),
            "SPEC_TOO_LARGE",
            "the limit is"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badSpecs")
  void refusedWithInvalidArgumentAndNoEvent(WorkflowSpec spec, String reason, String mention) {
    int eventsBefore = runs.all().size();
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> server.stub().submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build()));
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription()).contains(mention);
    ErrorInfo info =
        StatusProto.fromThrowable(error).getDetailsList().stream()
            .filter(any -> any.is(ErrorInfo.class))
            .map(
                any -> {
                  try {
                    return any.unpack(ErrorInfo.class);
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                })
            .findFirst()
            .orElseThrow();
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(runs.all()).hasSize(eventsBefore);
  }
}
