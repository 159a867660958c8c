package dev.cairn.server.api;

import com.google.rpc.Code;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A gRPC call answered before any service sees it, by a route ahead of quarkus-grpc's: a
 * trailers-only answer (the status in the one HEADERS frame that ends the stream) with the
 * google.rpc.Status, ErrorInfo and reason that {@link ErrorMapper} gives the services' errors.
 */
final class GrpcRefusal {
  private GrpcRefusal() {}

  static void send(RoutingContext context, Code code, String reason, String message) {
    send(context, code, reason, message, null);
  }

  /** As {@link #send}, with {@code acceptEncoding} as {@code grpc-accept-encoding} if not null. */
  static void send(
      RoutingContext context, Code code, String reason, String message, String acceptEncoding) {
    com.google.rpc.Status status = ErrorMapper.statusProto(code, reason, message, Map.of());
    var response =
        context
            .response()
            .setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc")
            .putHeader("grpc-status", Integer.toString(code.getNumber()))
            // gRPC's grpc-message is percent-encoded UTF-8; a space may stay as it is.
            .putHeader(
                "grpc-message",
                URLEncoder.encode(status.getMessage(), StandardCharsets.UTF_8).replace("+", " "))
            .putHeader(
                "grpc-status-details-bin",
                Base64.getEncoder().withoutPadding().encodeToString(status.toByteArray()));
    if (acceptEncoding != null) {
      response.putHeader("grpc-accept-encoding", acceptEncoding);
    }
    response.end();
  }
}
