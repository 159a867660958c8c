package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.WatchEventsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC listener's settings on real server processes: TLS, the loopback rule, a port already
 * taken, and reflection.
 */
class ListenerIT {
  @TempDir Path dir;

  @Test
  void servesTlsOnANonLoopbackAddressWithTheConfiguredCertificate() throws Exception {
    Path certificate = dir.resolve("chain.pem");
    Path key = dir.resolve("key.pem");
    selfSignedPem(certificate, key);
    try (ServerProcess server =
        ServerProcess.startTls(
            dir.resolve("data"),
            certificate,
            "-Dcairn.host=0.0.0.0",
            "-Dcairn.tls.certificate=" + certificate,
            "-Dcairn.tls.key=" + key)) {
      assertThat(server.stub().listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount())
          .isZero();
      assertThat(server.logText()).contains("gRPC on 0.0.0.0:" + server.port() + " (TLS)");

      ManagedChannel plaintext =
          NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
      try {
        StatusRuntimeException refused =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    RunServiceGrpc.newBlockingStub(plaintext)
                        .withCallCredentials(ServerProcess.bearer(server.token()))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listRuns(ListRunsRequest.getDefaultInstance()));
        assertThat(refused).isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        plaintext.shutdownNow();
      }
    }
  }

  @Test
  void refusesANonLoopbackAddressWithoutTls() {
    ServerProcess.Refused refused =
        ServerProcess.startRefused(
            dir.resolve("data"), ServerProcess.freePort(), "-Dcairn.host=0.0.0.0");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.log())
        .contains("refusing to listen on 0.0.0.0 without TLS")
        .contains("cairn.tls.certificate")
        .doesNotContain("Cairn ready")
        .doesNotContain("\tat ");
  }

  @Test
  void refusesTlsSettingsItCannotUseWithoutAStackTrace() {
    Path missing = dir.resolve("missing.pem");
    ServerProcess.Refused half =
        ServerProcess.startRefused(
            dir.resolve("half"), ServerProcess.freePort(), "-Dcairn.tls.certificate=" + missing);
    assertThat(half.exitCode()).isNotZero();
    assertThat(half.log())
        .contains("TLS needs both cairn.tls.certificate and cairn.tls.key")
        .doesNotContain("\tat ");

    ServerProcess.Refused unreadable =
        ServerProcess.startRefused(
            dir.resolve("unreadable"),
            ServerProcess.freePort(),
            "-Dcairn.tls.certificate=" + missing,
            "-Dcairn.tls.key=" + missing);
    assertThat(unreadable.exitCode()).isNotZero();
    assertThat(unreadable.log())
        .contains("cannot use the TLS certificate " + missing)
        .doesNotContain("\tat ");
  }

  @Test
  void aPortAlreadyTakenFailsTheStartWithItsAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      ServerProcess.Refused refused =
          ServerProcess.startRefused(dir.resolve("data"), taken.getLocalPort());
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.log())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .doesNotContain("Cairn ready")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void aPortTakenAfterACrashFailsTheStartBeforeRecoveryStartsAnyStep() throws IOException {
    Path data = dir.resolve("data");
    String runId;
    try (ServerProcess crashed = ServerProcess.start(data)) {
      Runs runs = new Runs(crashed);
      runId =
          runs.submit(
              Specs.workflow(
                  "taken",
                  Specs.shell("slow", "sleep 1000").toBuilder()
                      .setRetry(Specs.retry(3, 1, 1.0, 0))
                      .build()));
      runs.awaitStatus(
          runId, run -> run.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(30));
      crashed.kill9();
    }
    // Recovery records attempt 1 LOST and its retry is due at once; with the port taken, the
    // start must fail before that retry starts (it would be recorded INTERRUPTED on the way out).
    try (ServerSocket taken = new ServerSocket(0)) {
      ServerProcess.Refused refused = ServerProcess.startRefused(data, taken.getLocalPort());
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.log()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    try (ServerProcess restarted = ServerProcess.start(data)) {
      List<Event> events = new ArrayList<>();
      restarted
          .stub()
          .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).build())
          .forEachRemaining(response -> events.add(response.getEvent()));
      List<FailureReason> failures =
          events.stream()
              .filter(Event::hasStepFailed)
              .map(event -> event.getStepFailed().getReason())
              .toList();
      assertThat(failures).containsExactly(FailureReason.FAILURE_REASON_LOST);
    }
  }

  @Test
  void reflectionListsCairnsServicesToAClientWithTheToken() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"))) {
      CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests =
          ServerReflectionGrpc.newStub(server.channel())
              .withCallCredentials(ServerProcess.bearer(server.token()))
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                      answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                      answer.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      List<String> services =
          answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
              .map(ServiceResponse::getName)
              .toList();
      requests.onCompleted();
      assertThat(services)
          .contains("cairn.v1.RunService", "cairn.v1.ServerService", "grpc.health.v1.Health");
    }
  }

  /** A self-signed certificate for 127.0.0.1, made by the JDK's keytool, written as PEM files. */
  private void selfSignedPem(Path certificate, Path key) throws Exception {
    Path store = dir.resolve("tls.p12");
    char[] password = "secret".toCharArray();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "cairn",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "secret",
                "-keypass",
                "secret")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as("keytool: %s", output).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, password);
    }
    Files.writeString(certificate, pem("CERTIFICATE", keys.getCertificate("cairn").getEncoded()));
    PrivateKey privateKey = (PrivateKey) keys.getKey("cairn", password);
    Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
