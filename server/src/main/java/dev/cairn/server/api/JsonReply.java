package dev.cairn.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.stub.StreamObserver;
import io.vertx.core.http.HttpServerResponse;

/**
 * The answer of one HTTP API call that goes through a gRPC service method: the method's response
 * message as proto3 JSON, or its error as {@link HttpErrors} makes it. The service answers on
 * whichever thread completes the call (a query thread, the engine); Vert.x takes the response from
 * any thread.
 *
 * @param <T> the response message
 */
final class JsonReply<T extends MessageOrBuilder> implements StreamObserver<T> {
  static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final HttpServerResponse response;
  private T value;

  JsonReply(HttpServerResponse response) {
    this.response = response;
  }

  @Override
  public void onNext(T next) {
    value = next;
  }

  @Override
  public void onError(Throwable error) {
    send(response, HttpErrors.of(error));
  }

  @Override
  public void onCompleted() {
    send(response, 200, json(value));
  }

  static String json(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only an Any of an unknown type fails to print, and no response holds one.
      throw new IllegalStateException(e);
    }
  }

  static void send(HttpServerResponse response, HttpErrors.HttpError error) {
    send(response, error.httpStatus(), error.json());
  }

  static void send(HttpServerResponse response, int status, String json) {
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(json);
  }
}
