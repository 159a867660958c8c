package dev.cairn.server.api;

import com.google.rpc.Code;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Singleton;

/**
 * A call whose request message could not be read (bytes that are not the method's message, a string
 * that is not UTF-8, a message cut short, a compressed flag with no encoding) is answered
 * INVALID_ARGUMENT, reason {@code UNREADABLE_REQUEST}. The Vert.x gRPC bridge drops such a message
 * and ends the call's input, and grpc-java's unary and streaming handlers then answered INTERNAL
 * "Half-closed without a request", which blames the server for what the client sent.
 */
@GlobalInterceptor
@Singleton
public class UnreadableRequests implements ServerInterceptor, Prioritized {
  static final String REASON = "UNREADABLE_REQUEST";

  /** Inside {@link CancelledCalls}, outside the bearer token check and everything else. */
  @Override
  public int getPriority() {
    return Integer.MAX_VALUE - 6;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType().clientSendsOneMessage()) {
      return new Guarded<>(next.startCall(call, headers), call);
    }
    return next.startCall(call, headers);
  }

  private static final class Guarded<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private boolean received;

    Guarded(ServerCall.Listener<Q> listener, ServerCall<Q, R> call) {
      super(listener);
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      received = true;
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (received) {
        super.onHalfClose();
        return;
      }
      var status =
          ErrorMapper.status(
              Code.INVALID_ARGUMENT,
              REASON,
              "no request message of "
                  + call.getMethodDescriptor().getFullMethodName()
                  + " could be read: none was sent, or it is not that method's protobuf message,"
                  + " holds a string that is not UTF-8, is cut short, or is marked compressed"
                  + " without an encoding",
              "");
      call.close(status.getStatus(), status.getTrailers());
    }
  }
}
