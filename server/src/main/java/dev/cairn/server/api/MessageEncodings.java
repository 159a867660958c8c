package dev.cairn.server.api;

import com.google.rpc.Code;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses gRPC calls whose messages are compressed. The Vert.x gRPC bridge inflates a compressed
 * message whole, with no limit, before the transport's message size limit could apply (that limit
 * counts compressed bytes): one SubmitRun of 1 MB of gzip, inflating to 1 GiB, ran the heap out and
 * ended the server. Cairn's messages are small, and no client compresses unless asked to, so a call
 * naming any {@code grpc-encoding} but {@code identity} is answered before any of its message is
 * read: UNIMPLEMENTED with the reason {@code COMPRESSION_NOT_ACCEPTED}, and {@code
 * grpc-accept-encoding: identity}, as the gRPC protocol has a server say which encodings it takes.
 */
final class MessageEncodings {
  static final String REASON = "COMPRESSION_NOT_ACCEPTED";
  private static final String MESSAGE =
      "this server does not accept compressed messages; send them uncompressed (grpc-encoding"
          + " identity)";

  private MessageEncodings() {}

  /** Passes every request on but a gRPC call with compressed messages, which it answers. */
  static void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    String encoding = request.getHeader("grpc-encoding");
    // Exactly "identity": the bridge looks the name up as it is, and would inflate with nothing
    // for an unknown name such as "IDENTITY".
    if (encoding == null || encoding.equals("identity") || !isGrpc(request)) {
      context.next();
      return;
    }
    GrpcRefusal.send(context, Code.UNIMPLEMENTED, REASON, MESSAGE, "identity");
  }

  static boolean isGrpc(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.startsWith("application/grpc");
  }
}
