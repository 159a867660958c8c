package dev.cairn.it;

import dev.cairn.v1.RunServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The packaged server, run as a real process on a free loopback port with its own data directory,
 * and a client channel authenticated with the token the server generated.
 */
final class ServerProcess implements AutoCloseable {
  private static final Path SERVER_JAR = Path.of(System.getProperty("cairn.server.jar"));
  private final Path dataDir;
  private final int port;
  private final List<String> extraProperties;
  private final Path trustedCertificate;
  private Process process;
  private ManagedChannel channel;

  private ServerProcess(
      Path dataDir, int port, List<String> extraProperties, Path trustedCertificate) {
    this.dataDir = dataDir;
    this.port = port;
    this.extraProperties = List.copyOf(extraProperties);
    this.trustedCertificate = trustedCertificate;
  }

  static ServerProcess start(Path dataDir, String... properties) {
    ServerProcess server = new ServerProcess(dataDir, freePort(), List.of(properties), null);
    server.launch();
    return server;
  }

  /**
   * A server started without waiting for it to be ready: its port opens while recovery runs, which
   * the test may hold with {@code -Dtest.cairn.recovery-gate=FILE}.
   */
  static ServerProcess startUnready(Path dataDir, String... properties) {
    ServerProcess server = new ServerProcess(dataDir, freePort(), List.of(properties), null);
    server.launchProcess();
    return server;
  }

  /** An answer over HTTP from the server's port. */
  record HttpAnswer(int status, String body) {}

  /** GETs {@code path} over plain HTTP/1.1 from the server's one port. */
  HttpAnswer http(String path) throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://" + target() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new HttpAnswer(response.statusCode(), response.body());
  }

  /** Polls {@code path} until it answers at all (the port is open), within 60 s. */
  HttpAnswer awaitHttp(String path) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "server exited with " + process.exitValue() + ":\n" + logText());
      }
      try {
        return http(path);
      } catch (IOException notYet) {
        last = notYet;
      }
      pause(50);
    }
    throw new IllegalStateException("no HTTP answer within 60 s: " + last + "\n" + logText());
  }

  /** The gRPC health status of the whole server. */
  HealthCheckResponse.ServingStatus grpcHealth() {
    return HealthGrpc.newBlockingStub(channel())
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  /** A server whose clients speak TLS and trust only {@code certificate}. */
  static ServerProcess startTls(Path dataDir, Path certificate, String... properties) {
    ServerProcess server = new ServerProcess(dataDir, freePort(), List.of(properties), certificate);
    server.launch();
    return server;
  }

  /** Runs a server that must refuse to start: its exit code and its log, once it exited. */
  static Refused startRefused(Path dataDir, int port, String... properties) {
    ServerProcess server = new ServerProcess(dataDir, port, List.of(properties), null);
    try {
      Files.createDirectories(dataDir);
      Process process =
          new ProcessBuilder(server.command())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(server.log().toFile()))
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("server still running after 60 s:\n" + server.logText());
      }
      return new Refused(process.exitValue(), server.logText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How a start that had to fail ended. */
  record Refused(int exitCode, String log) {}

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // Cairn's own assertions on: the engine checks its scheduling bookkeeping after every pass.
    command.add("-ea:dev.cairn...");
    command.add("-Dcairn.data-dir=" + dataDir);
    command.add("-Dcairn.port=" + port);
    command.addAll(extraProperties);
    command.add("-jar");
    command.add(SERVER_JAR.toString());
    return command;
  }

  private void launch() {
    launchProcess();
    try {
      awaitServing();
    } catch (RuntimeException | Error e) {
      // A server that never became ready is the test's to stop: the caller gets no handle on it.
      kill9();
      throw e;
    }
  }

  private void launchProcess() {
    try {
      Files.createDirectories(dataDir);
      process =
          new ProcessBuilder(command())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path log() {
    return dataDir.resolve("server-test.log");
  }

  String logText() {
    try {
      return Files.readString(log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitServing() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "server exited with " + process.exitValue() + ":\n" + logText());
      }
      if (Files.exists(dataDir.resolve("token"))) {
        try {
          // SERVING once recovery is done; the port takes calls before that.
          if (HealthGrpc.newBlockingStub(channel())
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus()
              == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (StatusRuntimeException notYet) {
          // The listener is not up yet; poll again.
        }
      }
      pause(50);
    }
    throw new IllegalStateException("server did not answer within 60 s:\n" + logText());
  }

  static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  long pid() {
    return process.pid();
  }

  String token() {
    try {
      return Files.readString(dataDir.resolve("token"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized ManagedChannel channel() {
    if (channel == null) {
      NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target());
      if (trustedCertificate == null) {
        builder.usePlaintext();
      } else {
        try {
          builder.sslContext(
              GrpcSslContexts.forClient().trustManager(trustedCertificate.toFile()).build());
        } catch (SSLException e) {
          throw new IllegalStateException(e);
        }
      }
      channel = builder.build();
    }
    return channel;
  }

  /** Credentials carrying a bearer token, or none when {@code token} is null. */
  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  RunServiceGrpc.RunServiceBlockingStub stub() {
    return RunServiceGrpc.newBlockingStub(channel()).withCallCredentials(bearer(token()));
  }

  RunServiceGrpc.RunServiceStub asyncStub() {
    return RunServiceGrpc.newStub(channel()).withCallCredentials(bearer(token()));
  }

  /** SIGTERM, then waits for the process to exit. */
  void stop() {
    closeChannel();
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGKILL: the server gets no chance to clean up. */
  void kill9() {
    closeChannel();
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a new server process on the same data directory and port. */
  void restart() {
    stop();
    launch();
  }

  /** Starts the server again after it was killed or stopped. */
  void relaunch() {
    launch();
  }

  /** Sends SIGTERM and returns how long the process took to exit. */
  java.time.Duration terminate() throws InterruptedException {
    closeChannel();
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("server did not exit within 60 s of SIGTERM");
    }
    return java.time.Duration.ofNanos(System.nanoTime() - start);
  }

  /** Waits for the server to exit on its own: its exit status, or empty after the timeout. */
  java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return java.util.OptionalInt.empty();
    }
    return java.util.OptionalInt.of(process.exitValue());
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  private synchronized void closeChannel() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  @Override
  public void close() {
    stop();
    deleteRunDirectories();
  }

  // The server keeps the directories it made for runs without a working_dir (under its default
  // work root, keyed by its store id); a test server removes its own.
  private void deleteRunDirectories() {
    try {
      String storeId = Files.readString(dataDir.resolve("store-id"), StandardCharsets.UTF_8).trim();
      Path root =
          Path.of(
              System.getProperty("java.io.tmpdir"),
              "cairn-runs-" + System.getProperty("user.name"),
              storeId);
      if (storeId.isEmpty() || !Files.isDirectory(root)) {
        return;
      }
      try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    } catch (IOException e) {
      // Only tidiness: a directory left behind under the temporary directory harms no test.
    }
  }
}
