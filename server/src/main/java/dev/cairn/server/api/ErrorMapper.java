package dev.cairn.server.api;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.cairn.server.runtime.AttemptNotFoundException;
import dev.cairn.server.runtime.EngineBusyException;
import dev.cairn.server.runtime.EngineStoppedException;
import dev.cairn.server.runtime.EventsRemovedException;
import dev.cairn.server.runtime.LiveRunsOverBudgetException;
import dev.cairn.server.runtime.NodeUnavailableException;
import dev.cairn.server.runtime.RequestIdReusedException;
import dev.cairn.server.runtime.RunNotFinishedException;
import dev.cairn.server.runtime.RunNotFoundException;
import dev.cairn.server.runtime.RunRemovedException;
import dev.cairn.server.runtime.ScheduleExistsException;
import dev.cairn.server.runtime.ScheduleNotFoundException;
import dev.cairn.server.runtime.StoreUnavailableException;
import dev.cairn.server.runtime.WatcherTooSlowException;
import dev.cairn.server.store.RunStillLiveException;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreFullException;
import dev.cairn.workflow.spec.InvalidSpecException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * The one place exceptions become gRPC statuses: a canonical code, a description for people, and a
 * google.rpc.ErrorInfo with a machine-readable reason.
 *
 * <p>A status travels in the response's trailers, twice: as {@code grpc-message}, percent-encoded,
 * and inside {@code grpc-status-details-bin}, base64-encoded. Common clients refuse trailers over 8
 * KiB (grpc-java's default), and then show INTERNAL instead of the real status. So the message is
 * cut to {@link #MAX_MESSAGE_BYTES} of UTF-8 and each metadata value to {@link
 * #MAX_METADATA_BYTES}, which keeps the worst case (every byte percent-encoded) near 5 KiB.
 */
final class ErrorMapper {
  static final String DOMAIN = "cairn.dev";

  /** The longest status message sent, in UTF-8 bytes; the rest is cut and counted. */
  static final int MAX_MESSAGE_BYTES = 1024;

  /** The longest ErrorInfo metadata value sent, in UTF-8 bytes. */
  static final int MAX_METADATA_BYTES = 128;

  /**
   * WatchEvents ended a watcher whose client stopped reading (ABORTED): the client resumes with the
   * after_seq the message names, its last event's sequence number.
   */
  static final String WATCHER_TOO_SLOW = "WATCHER_TOO_SLOW";

  private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static StatusRuntimeException toStatus(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    if (cause instanceof InvalidSpecException invalid) {
      return status(Code.INVALID_ARGUMENT, invalid.reason(), invalid.getMessage(), invalid.field());
    }
    if (cause instanceof RequestIdReusedException reused) {
      return status(Code.ALREADY_EXISTS, "REQUEST_ID_REUSED", reused.getMessage(), "request_id");
    }
    if (cause instanceof RunRemovedException removed) {
      return status(
          Code.NOT_FOUND,
          "RUN_REMOVED",
          removed.getMessage(),
          Map.of(
              "field", "run_id",
              "removed_at", removed.removed().removedAt().toString(),
              "removed_by", removed.removed().cause().word()));
    }
    if (cause instanceof EventsRemovedException removed) {
      return status(
          Code.OUT_OF_RANGE,
          "EVENTS_REMOVED",
          removed.getMessage(),
          Map.of(
              "field",
              "after_seq",
              "earliest_after_seq",
              Long.toString(removed.earliestAfterSeq())));
    }
    if (cause instanceof RunStillLiveException live) {
      return status(Code.FAILED_PRECONDITION, "RUN_NOT_FINISHED", live.getMessage(), "run_id");
    }
    if (cause instanceof RunNotFoundException notFound) {
      return status(Code.NOT_FOUND, "RUN_NOT_FOUND", notFound.getMessage(), "run_id");
    }
    if (cause instanceof AttemptNotFoundException notFound) {
      return status(
          Code.NOT_FOUND,
          notFound.field().equals("step_id") ? "STEP_NOT_FOUND" : "ATTEMPT_NOT_FOUND",
          notFound.getMessage(),
          notFound.field());
    }
    if (cause instanceof RunNotFinishedException unfinished) {
      return status(
          Code.FAILED_PRECONDITION, "RUN_NOT_FINISHED", unfinished.getMessage(), "run_id");
    }
    if (cause instanceof ScheduleNotFoundException notFound) {
      return status(Code.NOT_FOUND, "SCHEDULE_NOT_FOUND", notFound.getMessage(), "schedule_id");
    }
    if (cause instanceof ScheduleExistsException exists) {
      return status(Code.ALREADY_EXISTS, "SCHEDULE_EXISTS", exists.getMessage(), "schedule_id");
    }
    if (cause instanceof LiveRunsOverBudgetException over) {
      return status(Code.RESOURCE_EXHAUSTED, "LIVE_RUNS_OVER_BUDGET", over.getMessage(), "");
    }
    if (cause instanceof EngineBusyException busy) {
      return status(Code.UNAVAILABLE, "ENGINE_BUSY", busy.getMessage(), "");
    }
    if (cause instanceof IllegalArgumentException invalid) {
      return status(Code.INVALID_ARGUMENT, "INVALID_REQUEST", invalid.getMessage(), "");
    }
    if (cause instanceof StoreFullException
        || cause instanceof StoreUnavailableException
            && cause.getCause() instanceof StoreFullException) {
      return status(
          Code.RESOURCE_EXHAUSTED,
          "STORE_FULL",
          "the disk holding the event store is full; nothing was recorded, try again later",
          "");
    }
    if (cause instanceof StoreCorruptException
        || cause instanceof StoreUnavailableException
            && cause.getCause() instanceof StoreCorruptException) {
      return status(Code.DATA_LOSS, "STORE_DAMAGED", cause.getMessage(), "");
    }
    if (cause instanceof StoreUnavailableException || cause instanceof StoreException) {
      LOG.warn("store failure answered as UNAVAILABLE: " + cause.getMessage());
      return status(Code.UNAVAILABLE, "STORE_UNAVAILABLE", cause.getMessage(), "");
    }
    if (cause instanceof WatcherTooSlowException) {
      return status(Code.ABORTED, WATCHER_TOO_SLOW, cause.getMessage(), "");
    }
    if (cause instanceof NodeUnavailableException) {
      return status(Code.UNAVAILABLE, "NODE_UNAVAILABLE", cause.getMessage(), "");
    }
    if (cause instanceof EngineStoppedException) {
      return status(Code.UNAVAILABLE, "ENGINE_STOPPED", cause.getMessage(), "");
    }
    LOG.error("internal error", cause);
    // The class and words of what failed inside stay in the server's log.
    return status(
        Code.INTERNAL, "INTERNAL", "internal error; the server's log has the details", "");
  }

  /** The server has more calls waiting than it queues: the client should back off and retry. */
  static StatusRuntimeException busy(String message) {
    return status(Code.RESOURCE_EXHAUSTED, "SERVER_BUSY", message, "");
  }

  static StatusRuntimeException status(Code code, String reason, String message, String field) {
    return status(code, reason, message, field.isEmpty() ? Map.of() : Map.of("field", field));
  }

  static StatusRuntimeException status(
      Code code, String reason, String message, Map<String, String> metadata) {
    return StatusProto.toStatusRuntimeException(statusProto(code, reason, message, metadata));
  }

  /** The google.rpc.Status of every refusal: the code, the message and an ErrorInfo. */
  static com.google.rpc.Status statusProto(
      Code code, String reason, String message, Map<String, String> metadata) {
    ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN);
    metadata.forEach((key, value) -> info.putMetadata(key, shorten(value, MAX_METADATA_BYTES)));
    return com.google.rpc.Status.newBuilder()
        .setCode(code.getNumber())
        .setMessage(shorten(String.valueOf(message), MAX_MESSAGE_BYTES))
        .addDetails(Any.pack(info.build()))
        .build();
  }

  /**
   * The text as it is when it fits in {@code maxBytes} of UTF-8; otherwise its head, cut on a
   * character boundary, and a note of how much was left out, all within {@code maxBytes}.
   */
  static String shorten(String text, int maxBytes) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxBytes) {
      return text;
    }
    String note = "... (" + utf8.length + " bytes in all, cut)";
    int budget = Math.max(0, maxBytes - note.length());
    StringBuilder head = new StringBuilder();
    int used = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (used + size > budget) {
        break;
      }
      head.appendCodePoint(codePoint);
      used += size;
      i += Character.charCount(codePoint);
    }
    return head.append(note).toString();
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
