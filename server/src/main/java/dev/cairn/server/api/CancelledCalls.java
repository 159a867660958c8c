package dev.cairn.server.api;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Singleton;

/**
 * Nothing is written to a call its client has cancelled. The Vert.x gRPC bridge writes an answer's
 * headers to a stream the client already reset as if the server opened a new stream, and Netty then
 * ends the whole connection (GOAWAY, PROTOCOL_ERROR "Request stream N is not correct for server
 * connection"): one client's cancelled ListRuns failed every other call sharing its connection, a
 * followed WatchEvents or a SubmitRun whose outcome the client then could not know. The
 * cancellation is seen on the call's event loop, where its writes run too, so there is no race.
 */
@GlobalInterceptor
@Singleton
public class CancelledCalls implements ServerInterceptor, Prioritized {

  /** Around every other interceptor of this server, the bearer token's included. */
  @Override
  public int getPriority() {
    return Integer.MAX_VALUE - 5;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(new Guarded<>(call), headers);
  }

  private static final class Guarded<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    Guarded(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      if (!isCancelled()) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public void sendMessage(R message) {
      if (!isCancelled()) {
        super.sendMessage(message);
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!isCancelled()) {
        super.close(status, trailers);
      }
    }
  }
}
