package dev.cairn.server.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Every RPC needs {@code authorization: Bearer <token>}; the standard health service is exempt so
 * that probes need no secret. The comparison takes constant time. A global interceptor: Quarkus
 * puts it in front of every service, reflection included.
 */
@GlobalInterceptor
@Singleton
public class BearerTokenInterceptor implements ServerInterceptor, Prioritized {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String HEALTH_SERVICE = "grpc.health.v1.Health";

  private final byte[] expected;

  @Inject
  BearerTokenInterceptor(CairnServer server) {
    this(server.token());
  }

  BearerTokenInterceptor(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Before Quarkus's own interceptors (request context and the like): a refused call costs none.
   */
  @Override
  public int getPriority() {
    return Integer.MAX_VALUE - 10;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "missing bearer token: send the metadata 'authorization: Bearer <token>'"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, expected)) {
      call.close(Status.UNAUTHENTICATED.withDescription("invalid bearer token"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
