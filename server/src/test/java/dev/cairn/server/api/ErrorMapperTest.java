package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import dev.cairn.server.runtime.RunNotFoundException;
import dev.cairn.server.runtime.StoreUnavailableException;
import dev.cairn.server.store.StoreFullException;
import dev.cairn.workflow.spec.InvalidSpecException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

  @Test
  void aShortMessageIsSentAsItIs() {
    StatusRuntimeException status = ErrorMapper.toStatus(new RunNotFoundException("r-1"));
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getStatus().getDescription()).isEqualTo("run r-1 not found");
  }

  @Test
  void aHugeOffendingValueIsCutSoTheTrailersFitEightKibibytes() {
    StatusRuntimeException status =
        ErrorMapper.toStatus(new RunNotFoundException("é".repeat(10_000)));
    String description = status.getStatus().getDescription();
    assertThat(description.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(ErrorMapper.MAX_MESSAGE_BYTES);
    assertThat(description).startsWith("run éé").endsWith("(20014 bytes in all, cut)");
    assertThat(trailerBytes(status)).isLessThan(8 * 1024);
  }

  @Test
  void aHugeFieldIsCutInTheErrorInfo() {
    String field = "steps." + "x".repeat(5000);
    StatusRuntimeException status =
        ErrorMapper.toStatus(new InvalidSpecException("CYCLE", field, "y".repeat(90_000)));
    ErrorInfo info = errorInfo(status);
    assertThat(info.getReason()).isEqualTo("CYCLE");
    assertThat(info.getMetadataOrThrow("field").length())
        .isLessThanOrEqualTo(ErrorMapper.MAX_METADATA_BYTES);
    assertThat(info.getMetadataOrThrow("field")).startsWith("steps.xxx");
    assertThat(trailerBytes(status)).isLessThan(8 * 1024);
  }

  @Test
  void scheduleErrorsHaveTheirCodesAndReasons() {
    StatusRuntimeException missing =
        ErrorMapper.toStatus(
            new java.util.concurrent.CompletionException(
                new dev.cairn.server.runtime.ScheduleNotFoundException("nightly")));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(errorInfo(missing).getReason()).isEqualTo("SCHEDULE_NOT_FOUND");
    assertThat(errorInfo(missing).getMetadataOrThrow("field")).isEqualTo("schedule_id");

    StatusRuntimeException exists =
        ErrorMapper.toStatus(new dev.cairn.server.runtime.ScheduleExistsException("nightly"));
    assertThat(exists.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(errorInfo(exists).getReason()).isEqualTo("SCHEDULE_EXISTS");

    StatusRuntimeException busy =
        ErrorMapper.toStatus(new dev.cairn.server.runtime.EngineBusyException("later"));
    assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  /** A full disk is RESOURCE_EXHAUSTED however it reaches the API, never "unreachable". */
  @Test
  void aFullDiskIsStoreFullWrappedOrNot() throws Exception {
    StoreFullException full = new StoreFullException("database or disk is full", null);
    for (Throwable error : List.of(full, new StoreUnavailableException(full))) {
      StatusRuntimeException status = ErrorMapper.toStatus(error);
      assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(
              StatusProto.fromThrowable(status).getDetails(0).unpack(ErrorInfo.class).getReason())
          .isEqualTo("STORE_FULL");
    }
  }

  /** What failed inside (its class, its words) stays in the log. */
  @Test
  void anInternalErrorNamesNoClass() {
    StatusRuntimeException status = ErrorMapper.toStatus(new OutOfMemoryError("Java heap space"));
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getStatus().getDescription())
        .doesNotContain("java.lang", "heap")
        .contains("the server's log has the details");
  }

  @Test
  void shortenNeverSplitsACharacter() {
    String text = "😀".repeat(100);
    String shortened = ErrorMapper.shorten(text, 64);
    assertThat(shortened.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
    assertThat(shortened).startsWith("😀").doesNotContain("\uFFFD");
    assertThat(Character.isHighSurrogate(shortened.charAt(shortened.indexOf('.') - 1))).isFalse();
  }

  /** What the two status trailers cost on the wire, with the message percent-encoded in full. */
  private static int trailerBytes(StatusRuntimeException status) {
    Metadata trailers =
        StatusProto.toStatusRuntimeException(StatusProto.fromThrowable(status)).getTrailers();
    byte[] details =
        trailers.get(Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER));
    int base64 = (details.length + 2) / 3 * 4;
    int percentEncoded =
        status.getStatus().getDescription().getBytes(StandardCharsets.UTF_8).length * 3;
    return base64 + percentEncoded;
  }

  private static ErrorInfo errorInfo(StatusRuntimeException status) {
    try {
      return StatusProto.fromThrowable(status).getDetails(0).unpack(ErrorInfo.class);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
