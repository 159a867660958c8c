package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/**
 * Statuses that repeat a huge offending value still reach a client whose trailers are capped at 8
 * KiB (grpc-java's default, used by this test's own client): it sees the real code, never INTERNAL.
 */
class StatusSizeIT extends SharedServer {

  @Test
  void aTenKibibyteRunIdIsNotFound() {
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                server
                    .stub()
                    .getRun(GetRunRequest.newBuilder().setRunId("r".repeat(10 * 1024)).build()));
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(error.getStatus().getDescription()).startsWith("run rrrr").contains("cut");
  }

  @Test
  void aCycleOfNinetyKibibytesIsInvalidArgument() {
    // 700 steps with 128-character ids in one ring: the cycle's description alone is about 90 KiB.
    WorkflowSpec.Builder spec = WorkflowSpec.newBuilder().setName("ring");
    int size = 700;
    for (int i = 0; i < size; i++) {
      spec.addSteps(shell(id(i), "true", id((i + 1) % size)));
    }
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> server.stub().submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build()));
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription()).contains("cycle");
  }

  private static String id(int index) {
    String prefix = "step-" + index + "-";
    return prefix + "x".repeat(128 - prefix.length());
  }
}
