package dev.cairn.server.api;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.vertx.core.json.JsonObject;

/**
 * Errors of the HTTP API: the same status, reason and message as the gRPC API gives for the same
 * failure (through {@link ErrorMapper}), as an HTTP status and a small JSON object.
 */
final class HttpErrors {
  private HttpErrors() {}

  /** An error as the HTTP API answers it. */
  record HttpError(int httpStatus, JsonObject body) {
    String json() {
      return body.encode();
    }
  }

  static HttpError of(Throwable error) {
    return of(ErrorMapper.toStatus(error));
  }

  static HttpError of(StatusRuntimeException error) {
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    Code code =
        status == null
            ? Code.forNumber(error.getStatus().getCode().value())
            : Code.forNumber(status.getCode());
    String message =
        status == null ? String.valueOf(error.getStatus().getDescription()) : status.getMessage();
    String reason = "";
    String field = "";
    if (status != null) {
      for (Any detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          try {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            reason = info.getReason();
            field = info.getMetadataOrDefault("field", "");
          } catch (InvalidProtocolBufferException e) {
            // Made by ErrorMapper a moment ago: it unpacks. Without it the code still says enough.
          }
        }
      }
    }
    return error(httpStatus(code), code, reason, message, field);
  }

  /**
   * A 400 for a request body that is not the JSON expected, saying where it went wrong without the
   * JSON library's class names and links.
   */
  static HttpError badBody(String problem) {
    return error(400, Code.INVALID_ARGUMENT, "INVALID_REQUEST", "bad request body: " + problem, "");
  }

  /** What a JSON parser's message says of the body: its first line, without an exception name. */
  static String jsonProblem(InvalidProtocolBufferException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    String first = (newline < 0 ? message : message.substring(0, newline)).strip();
    // "com.google.gson.stream.MalformedJsonException: Expected ':' at line 1 column 12 path $.x"
    java.util.regex.Matcher named =
        java.util.regex.Pattern.compile("^(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*: ").matcher(first);
    if (named.find()) {
      first = first.substring(named.end());
    }
    int link = first.indexOf(" See https://");
    return link < 0 ? first : first.substring(0, link);
  }

  static HttpError error(int httpStatus, Code code, String reason, String message, String field) {
    JsonObject body = new JsonObject().put("code", code.name()).put("message", message);
    if (!reason.isEmpty()) {
      body.put("reason", reason);
    }
    if (!field.isEmpty()) {
      body.put("field", field);
    }
    return new HttpError(httpStatus, body);
  }

  /** The HTTP status for a canonical code, as Google's HTTP/JSON transcoding maps them. */
  static int httpStatus(Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }
}
