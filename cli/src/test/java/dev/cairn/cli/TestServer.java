package dev.cairn.cli;

import dev.cairn.v1.RunServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on a random loopback port serving a test's own RunService, recording the
 * authorization header of every call. Commands reach it over a real plaintext channel.
 */
public final class TestServer implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Server server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  /** Starts serving {@code service}. */
  public TestServer(RunServiceGrpc.RunServiceImplBase service) throws IOException {
    this(service, 0);
  }

  /**
   * Starts serving {@code service} on {@code port} (0: any free port), e.g. to restart a server.
   */
  public TestServer(RunServiceGrpc.RunServiceImplBase service, int port) throws IOException {
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String value = headers.get(AUTHORIZATION);
            authorizations.add(value == null ? "" : value);
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(ServerInterceptors.intercept(service, recorder))
            // Large enough for the oversized specs that tests send on purpose.
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build()
            .start();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** The port served. */
  public int port() {
    return server.getPort();
  }

  /** The authorization header of each call so far ("" when absent). */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
