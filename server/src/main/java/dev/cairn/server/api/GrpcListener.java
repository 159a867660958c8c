package dev.cairn.server.api;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC listener: grpc-java's Netty server (the native epoll transport where there is one) with
 * Cairn's services, the standard health service and reflection.
 *
 * <p>Calls run on the transport's event loop ({@code directExecutor}): a method that could block
 * hands its work to a thread of its own (see {@link RunService}), and the rest, above all
 * SubmitRun, answer with no thread hop beyond the engine's. The framework's own gRPC layer, with a
 * worker hop, context propagation and request scopes around every call, took 0.48 ms for a call
 * that a bare grpc-java server answered in 0.16 ms on the same machine (bench/README.md).
 */
final class GrpcListener {
  /**
   * Largest inbound message: room for the largest spec accepted plus headroom, so that an oversized
   * spec gets the validator's clear INVALID_ARGUMENT rather than a transport error.
   */
  static int maxInboundMessageBytes(int maxSpecBytes) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(64L << 20, 2L * maxSpecBytes));
  }

  /**
   * Where to listen: the host as configured, the one address it resolved to (checked and bound
   * alike), and the PEM certificate chain and PKCS#8 key when TLS is on.
   */
  record Endpoint(
      String host, InetAddress address, int port, Optional<Path> certificate, Optional<Path> key) {
    Endpoint {
      if (certificate.isPresent() != key.isPresent()) {
        throw new StartRefused(
            "TLS needs both cairn.tls.certificate and cairn.tls.key, or neither");
      }
    }

    /** Resolves {@code host} once, so that the address checked is the address bound. */
    static Endpoint resolve(String host, int port, Optional<Path> certificate, Optional<Path> key) {
      try {
        return new Endpoint(host, InetAddress.getByName(host), port, certificate, key);
      } catch (UnknownHostException e) {
        throw new StartRefused("cannot resolve cairn.host '" + host + "': " + e.getMessage());
      }
    }

    boolean tls() {
      return certificate.isPresent();
    }

    @Override
    public String toString() {
      return address.getHostAddress() + ":" + port + (tls() ? " (TLS)" : "");
    }
  }

  private final Server server;
  private final HealthStatusManager health;
  private final List<String> serviceNames;

  private GrpcListener(Server server, HealthStatusManager health, List<String> serviceNames) {
    this.server = server;
    this.health = health;
    this.serviceNames = List.copyOf(serviceNames);
  }

  /**
   * Binds and takes calls, with health at NOT_SERVING until {@link #serving()}. The interceptor
   * sees every call, the health service's too (it lets those through without a token).
   */
  static GrpcListener start(
      Endpoint endpoint,
      int maxInboundMessageBytes,
      ServerInterceptor authentication,
      List<BindableService> services) {
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(endpoint.address(), endpoint.port()))
            .directExecutor()
            .maxInboundMessageSize(maxInboundMessageBytes)
            .intercept(authentication)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .addService(legacyReflection());
    // The health service starts out SERVING: say otherwise before the first call can ask.
    List<String> names = new ArrayList<>();
    names.add(HealthStatusManager.SERVICE_NAME_ALL_SERVICES);
    for (BindableService service : services) {
      ServerServiceDefinition definition = service.bindService();
      builder.addService(definition);
      names.add(definition.getServiceDescriptor().getName());
    }
    names.forEach(name -> health.setStatus(name, ServingStatus.NOT_SERVING));
    if (endpoint.tls()) {
      try {
        builder.useTransportSecurity(
            endpoint.certificate().get().toFile(), endpoint.key().get().toFile());
      } catch (RuntimeException e) {
        throw new StartRefused(
            "cannot use the TLS certificate "
                + endpoint.certificate().get()
                + " and key "
                + endpoint.key().get()
                + ": "
                + rootMessage(e)
                + " (a PEM certificate chain and a PEM PKCS#8 private key are needed)");
      }
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      String reason = rootMessage(e);
      throw new StartRefused(
          "cannot listen on "
              + endpoint
              + ": "
              + reason
              + (reason.contains("in use")
                  ? " (is another server on this port? choose another with --port or cairn.port)"
                  : ""));
    }
    return new GrpcListener(server, health, names);
  }

  /** Health reports SERVING from now on, for the server and each of its services. */
  void serving() {
    serviceNames.forEach(name -> health.setStatus(name, ServingStatus.SERVING));
  }

  /**
   * Health reports NOT_SERVING from now on: the engine cannot go on and the process is about to
   * exit, so no client should take this server for one that works.
   */
  void notServing() {
    serviceNames.forEach(name -> health.setStatus(name, ServingStatus.NOT_SERVING));
  }

  /**
   * Loads the transport and the standard services ahead of {@link #start}, on another thread: about
   * 100 ms of a cold JVM's class loading and native library unpacking.
   */
  static void warmUp() {
    Epoll.isAvailable();
    NettyServerBuilder.forPort(0).directExecutor();
    new HealthStatusManager();
    ProtoReflectionServiceV1.newInstance();
  }

  // grpcurl and most tools still ask v1alpha first.
  @SuppressWarnings("deprecation")
  private static BindableService legacyReflection() {
    return ProtoReflectionService.newInstance();
  }

  private static String rootMessage(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  int port() {
    return server.getPort();
  }

  /** Takes no new calls (health says NOT_SERVING); calls in flight go on. */
  void refuseNewCalls() {
    if (!server.isShutdown()) {
      health.enterTerminalState();
      server.shutdown();
    }
  }

  /**
   * Stops taking calls, lets calls in flight finish for up to {@code graceMillis}, then cancels the
   * rest.
   */
  void stop(long graceMillis) {
    refuseNewCalls();
    try {
      if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
