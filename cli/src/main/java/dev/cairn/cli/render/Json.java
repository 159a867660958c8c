package dev.cairn.cli.render;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * JSON output: protobuf's canonical JSON with the proto field names, one object per line. Fields at
 * their default value are printed too, so scripts can rely on every key being there.
 */
public final class Json {
  private Json() {}

  // Built on first use, so that text output never pays for loading the JSON printer.
  private static final class Printer {
    static final JsonFormat.Printer INSTANCE =
        JsonFormat.printer()
            .preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();
  }

  /** {@code message} as one line of JSON. */
  public static String line(MessageOrBuilder message) {
    try {
      return Printer.INSTANCE.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print, and the API has none.
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /**
   * An error as one line of JSON: {@code {"error":{"code":..,"reason":..,"message":..},
   * "exit_code":..}}, where code (the gRPC status) and reason (the server's ErrorInfo reason) are
   * left out when unknown.
   */
  public static String error(String grpcCode, String reason, String message, int exitCode) {
    StringBuilder json = new StringBuilder("{\"error\":{");
    if (!grpcCode.isEmpty()) {
      json.append("\"code\":").append(quote(grpcCode)).append(',');
    }
    if (!reason.isEmpty()) {
      json.append("\"reason\":").append(quote(reason)).append(',');
    }
    json.append("\"message\":").append(quote(message)).append("},");
    return json.append("\"exit_code\":").append(exitCode).append('}').toString();
  }

  /** {@code text} as a JSON string literal. */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int index = 0; index < text.length(); index++) {
      char c = text.charAt(index);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
