package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

/**
 * How the CLI words a server's UNAVAILABLE (the server, or another node of its cluster) and a
 * message the server's transport refused as too large.
 */
class ErrorReporterTest {

  private static StatusRuntimeException unavailable(String reason, String message) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage(message)
            .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).build()))
            .build());
  }

  @Test
  void anotherNodeDownIsSaidAsTheServerSaidIt() {
    String message =
        "attempt 1 of step 'wait' ran on node 9ef55ec807a1 (127.0.0.1:7522), which holds its"
            + " output and has not been seen for 13 s";
    ErrorReporter.Report report =
        ErrorReporter.statusReport(
            unavailable("NODE_UNAVAILABLE", message),
            null,
            Environment.of(java.util.Map.of("CAIRN_SERVER", "127.0.0.1:7521")));

    assertThat(report.message()).isEqualTo(message);
    assertThat(report.exit()).isEqualTo(ExitCodes.UNREACHABLE);
  }

  @Test
  void theServerItselfUnavailableSaysWhichServer() {
    ErrorReporter.Report report =
        ErrorReporter.statusReport(
            unavailable("ENGINE_STOPPED", "the engine is not running"),
            null,
            Environment.of(java.util.Map.of("CAIRN_SERVER", "127.0.0.1:7521")));

    assertThat(report.message())
        .startsWith("cannot reach the server at ")
        .endsWith(": the engine is not running");
  }

  @Test
  void aMessageTheTransportRefusedIsBadInputNamingTheLimit() {
    ErrorReporter.Report report =
        ErrorReporter.statusReport(
            io.grpc.Status.RESOURCE_EXHAUSTED.asRuntimeException(),
            null,
            Environment.of(java.util.Map.of("CAIRN_SERVER", "127.0.0.1:7521")));

    assertThat(report.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(report.message())
        .startsWith("the request is larger than the server at ")
        .contains("cairn.max-spec-bytes");
  }

  @Test
  void aBusyServerIsNotBadInput() {
    StatusRuntimeException busy =
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                .setMessage("the server is busy")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("SERVER_BUSY").build()))
                .build());
    ErrorReporter.Report report =
        ErrorReporter.statusReport(busy, null, Environment.of(java.util.Map.of()));

    assertThat(report.exit()).isEqualTo(ExitCodes.OTHER);
    assertThat(report.message()).isEqualTo("the server is busy");
  }
}
