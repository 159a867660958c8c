package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.TestServer;
import dev.cairn.v1.Attempt;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.GetRunResponse;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepRun;
import dev.cairn.v1.StepStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code cairn status} and the way server errors are reported. */
class StatusCommandTest {
  @TempDir Path dataDir;

  private CliHarness cli(TestServer server) {
    return new CliHarness(
        Map.of("CAIRN_SERVER", server.address(), "CAIRN_DATA_DIR", dataDir.toString()));
  }

  private static Timestamp at(long seconds) {
    return Timestamp.newBuilder().setSeconds(seconds).build();
  }

  private static final Run RUN =
      Run.newBuilder()
          .setRunId("r1")
          .setName("build")
          .setStatus(RunStatus.RUN_STATUS_FAILED)
          .setCreateTime(at(1_767_323_045L))
          .setEndTime(at(1_767_323_105L))
          .addSteps(
              StepRun.newBuilder()
                  .setStepId("fetch")
                  .setStatus(StepStatus.STEP_STATUS_SUCCEEDED)
                  .addAttempts(
                      Attempt.newBuilder()
                          .setNumber(1)
                          .setStartTime(at(1_767_323_046L))
                          .setOutputBytes(2048)
                          .setFinished(true)
                          .setDuration(Duration.newBuilder().setSeconds(2))))
          .addSteps(
              StepRun.newBuilder()
                  .setStepId("test")
                  .setStatus(StepStatus.STEP_STATUS_FAILED)
                  .addAttempts(
                      Attempt.newBuilder()
                          .setNumber(1)
                          .setFinished(true)
                          .setExitCode(75)
                          .setFailureReason(FailureReason.FAILURE_REASON_EXIT_CODE)
                          .setDuration(Duration.newBuilder().setSeconds(1)))
                  .addAttempts(
                      Attempt.newBuilder()
                          .setNumber(2)
                          .setFinished(true)
                          .setFailureReason(FailureReason.FAILURE_REASON_TIMEOUT)
                          .setMessage("ran past 30s")
                          .setDuration(Duration.newBuilder().setSeconds(30))))
          .addSteps(
              StepRun.newBuilder()
                  .setStepId("deploy")
                  .setStatus(StepStatus.STEP_STATUS_SKIPPED)
                  .setSkipCauseStepId("test"))
          .build();

  private static final class GetRunService extends RunServiceGrpc.RunServiceImplBase {
    @Override
    public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
      if (!request.getRunId().equals("r1")) {
        responses.onError(
            Status.NOT_FOUND
                .withDescription("run " + request.getRunId() + " not found")
                .asRuntimeException());
        return;
      }
      responses.onNext(GetRunResponse.newBuilder().setRun(RUN).build());
      responses.onCompleted();
    }
  }

  @Test
  void statusSendsTheTokenFromTheDataDirAndPrintsEveryAttempt() throws Exception {
    Files.writeString(dataDir.resolve("token"), "file-token\n");
    try (TestServer server = new TestServer(new GetRunService())) {
      CliHarness.Result result = cli(server).execute("status", "r1");

      assertThat(result.err()).isEmpty();
      assertThat(result.exit()).isZero();
      assertThat(server.authorizations()).containsExactly("Bearer file-token");
      assertThat(result.out().lines().toList())
          .containsExactly(
              "run r1  build  FAILED  submitted 2026-01-02 03:04:05  ended 2026-01-02 03:05:05",
              "STEP    STATUS     ATTEMPT  EXIT  DURATION  OUTPUT   DETAIL",
              "fetch   succeeded  1        0     2.0s      2.0 KiB",
              "test    failed     1        75    1.0s               exit code 75",
              "        failed     2              30.0s              timed out: ran past 30s",
              "deploy  skipped    -                                 after test");
    }
  }

  @Test
  void statusAsJsonIsTheRunInProtobufJson() throws Exception {
    try (TestServer server = new TestServer(new GetRunService())) {
      CliHarness.Result result = cli(server).execute("status", "r1", "-o", "json", "--token", "t");

      assertThat(result.exit()).isZero();
      assertThat(server.authorizations()).containsExactly("Bearer t");
      assertThat(result.out()).hasLineCount(1).contains("\"run_id\":\"r1\"");
      Run.Builder parsed = Run.newBuilder();
      JsonFormat.parser().merge(result.out(), parsed);
      assertThat(parsed.build()).isEqualTo(RUN);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "NOT_FOUND, 4",
    "INVALID_ARGUMENT, 2",
    "FAILED_PRECONDITION, 2",
    "UNAUTHENTICATED, 5",
    "PERMISSION_DENIED, 5",
    "UNAVAILABLE, 6",
    "INTERNAL, 10",
    "RESOURCE_EXHAUSTED, 10",
  })
  void serverErrorsBecomeOneLineAndTheirExitCode(Status.Code code, int exit) throws Exception {
    RunServiceGrpc.RunServiceImplBase failing =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
            responses.onError(
                Status.fromCode(code).withDescription("told to fail").asRuntimeException());
          }
        };
    try (TestServer server = new TestServer(failing)) {
      CliHarness.Result result = cli(server).execute("status", "r1");

      assertThat(result.exit()).isEqualTo(exit);
      assertThat(result.out()).isEmpty();
      assertThat(result.err()).startsWith("cairn: ").contains("told to fail").hasLineCount(1);
    }
  }

  @Test
  void anUnauthenticatedCallWithoutTokenSaysWhereTokensComeFrom() throws Exception {
    RunServiceGrpc.RunServiceImplBase refusing =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
            responses.onError(
                Status.UNAUTHENTICATED
                    .withDescription("missing bearer token")
                    .asRuntimeException());
          }
        };
    try (TestServer server = new TestServer(refusing)) {
      CliHarness.Result result = cli(server).execute("status", "r1");

      assertThat(server.authorizations()).containsExactly("");
      assertThat(result.exit()).isEqualTo(ExitCodes.NOT_AUTHENTICATED);
      assertThat(result.err())
          .isEqualTo(
              "cairn: missing bearer token; no token given: use --token, CAIRN_TOKEN or the file "
                  + dataDir.resolve("token")
                  + "\n");
    }
  }

  @Test
  void noServerMeansExitSixWithOneLine() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CliHarness cli = new CliHarness(Map.of("CAIRN_SERVER", "127.0.0.1:" + port));

    CliHarness.Result result = cli.execute("status", "x");

    assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err())
        .isEqualTo(
            "cairn: cannot reach the server at 127.0.0.1:" + port + ": connection refused\n");
  }
}
