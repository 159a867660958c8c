package dev.cairn.bench;

import dev.cairn.v1.GetServerStatsRequest;
import dev.cairn.v1.GetServerStatsResponse;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.ServerServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A Cairn server started through {@code bin/cairn server} on loopback, with its own data directory,
 * and a gRPC channel to it carrying the bearer token.
 */
final class CairnServerProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  private final Process process;
  private final Path log;
  private final int port;

  /** Wall clock just before the server process was started. */
  final Instant launchedAt;

  /** Monotonic time just before the server process was started. */
  final long launchedNanos;

  /**
   * Monotonic time the server was first seen ready: its health service SERVING, which it says once
   * recovery is done (its port takes connections earlier).
   */
  long readyNanos;

  private Path dataDir;
  private ManagedChannel channel;
  private RunServiceGrpc.RunServiceBlockingStub runs;
  private RunServiceGrpc.RunServiceStub runsAsync;
  private ServerServiceGrpc.ServerServiceBlockingStub server;

  private CairnServerProcess(
      Process process, Path log, int port, Instant launchedAt, long launchedNanos) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.launchedAt = launchedAt;
    this.launchedNanos = launchedNanos;
  }

  /** Starts a server on {@code dataDir} and returns once it is ready (health SERVING). */
  static CairnServerProcess start(Path root, Path dataDir, int maxParallel) throws IOException {
    return start(root, dataDir, maxParallel, List.of());
  }

  /** As {@link #start(Path, Path, int)}, with more arguments of {@code cairn server}. */
  static CairnServerProcess start(Path root, Path dataDir, int maxParallel, List<String> more)
      throws IOException {
    Files.createDirectories(dataDir);
    int port = freePort();
    Path log = dataDir.resolve("server.log");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                root.resolve("bin/cairn").toString(),
                "server",
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port),
                "--max-parallel",
                Integer.toString(maxParallel)));
    command.addAll(more);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Instant launchedAt = Instant.now();
    long launchedNanos = System.nanoTime();
    Process process = builder.start();
    // Polls the port rather than letting gRPC connect, whose reconnect backoff (a second or more)
    // would be measured as start time.
    await(process, log, "listen", () -> accepts(port));
    CairnServerProcess server =
        new CairnServerProcess(process, log, port, launchedAt, launchedNanos);
    server.dataDir = dataDir;
    server.readyNanos = server.awaitServing();
    server.connect(dataDir.resolve("token"));
    return server;
  }

  // The health service needs no token, and the token file may not be there before the server has
  // opened its data directory. Polled every 2 ms on one connection, as the port was before: the
  // figure's resolution, without taking much of the two cores from the recovery it times.
  private long awaitServing() throws IOException {
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    try {
      await(process, log, "become ready", () -> serving(health));
      return System.nanoTime();
    } catch (IOException e) {
      channel.shutdownNow();
      throw e;
    }
  }

  private static boolean serving(HealthGrpc.HealthBlockingStub health) {
    try {
      return health
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance())
              .getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  private void connect(Path tokenFile) throws IOException {
    String token = Files.readString(tokenFile).trim();
    CallCredentials credentials = new Bearer(token);
    runs = RunServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
    runsAsync = RunServiceGrpc.newStub(channel).withCallCredentials(credentials);
    server = ServerServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
    // The first call also finishes the connection, so measurements do not include it.
    stats();
  }

  /** The port the server listens on, on 127.0.0.1. */
  int port() {
    return port;
  }

  /** The server's data directory, which holds its token. */
  Path dataDir() {
    return dataDir;
  }

  RunServiceGrpc.RunServiceBlockingStub runs() {
    return runs;
  }

  RunServiceGrpc.RunServiceStub runsAsync() {
    return runsAsync;
  }

  GetServerStatsResponse stats() {
    return server
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .getServerStats(GetServerStatsRequest.getDefaultInstance());
  }

  long pid() {
    return process.pid();
  }

  /** The server's peak resident set size so far, in bytes (VmHWM). */
  long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmHWM in /proc/" + pid() + "/status");
  }

  /** SIGKILL, as a crash would; steps die of their parent-death signal. */
  void killHard() throws InterruptedException {
    closeChannel();
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    closeChannel();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private void closeChannel() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Asks {@code done} every 2 ms until it holds; fails when the server exits first or {@link
   * #START_TIMEOUT} passes (and then kills it).
   */
  private static void await(Process process, Path log, String what, BooleanSupplier done)
      throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IOException(
            "the server exited with " + process.exitValue() + "; its log:\n" + tail(log));
      }
      if (done.getAsBoolean()) {
        return;
      }
      sleepMillis(2);
    }
    process.destroyForcibly();
    throw new IOException(
        "the server did not " + what + " within " + START_TIMEOUT + "; its log:\n" + tail(log));
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Sends the bearer token with every call. */
  static final class Bearer extends CallCredentials {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String token;

    Bearer(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    }
  }
}
