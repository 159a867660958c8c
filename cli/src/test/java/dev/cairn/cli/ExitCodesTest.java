package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void everyGrpcCodeMapsToItsExitCode() {
    Map<Status.Code, Integer> expected = new EnumMap<>(Status.Code.class);
    expected.put(Status.Code.OK, 0);
    expected.put(Status.Code.CANCELLED, 10);
    expected.put(Status.Code.UNKNOWN, 10);
    expected.put(Status.Code.INVALID_ARGUMENT, 2);
    expected.put(Status.Code.DEADLINE_EXCEEDED, 6);
    expected.put(Status.Code.NOT_FOUND, 4);
    expected.put(Status.Code.ALREADY_EXISTS, 2);
    expected.put(Status.Code.PERMISSION_DENIED, 5);
    expected.put(Status.Code.RESOURCE_EXHAUSTED, 10);
    expected.put(Status.Code.FAILED_PRECONDITION, 2);
    expected.put(Status.Code.ABORTED, 10);
    expected.put(Status.Code.OUT_OF_RANGE, 2);
    expected.put(Status.Code.UNIMPLEMENTED, 10);
    expected.put(Status.Code.INTERNAL, 10);
    expected.put(Status.Code.UNAVAILABLE, 6);
    expected.put(Status.Code.DATA_LOSS, 10);
    expected.put(Status.Code.UNAUTHENTICATED, 5);
    // A new code in a later gRPC release must be placed in this table deliberately.
    assertThat(expected.keySet()).containsExactlyInAnyOrder(Status.Code.values());

    for (Map.Entry<Status.Code, Integer> entry : expected.entrySet()) {
      assertThat(ExitCodes.forStatus(entry.getKey()))
          .as(entry.getKey().name())
          .isEqualTo(entry.getValue());
    }
  }
}
