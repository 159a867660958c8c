package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.TestServer;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.CancelRunResponse;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.ListRunsResponse;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other commands against a gRPC server on loopback that answers as each test tells it to. */
class ServerCommandsTest {
  @TempDir Path dataDir;

  private CliHarness cli(TestServer server) {
    return new CliHarness(
        Map.of("CAIRN_SERVER", server.address(), "CAIRN_DATA_DIR", dataDir.toString()));
  }

  private static Timestamp at(long seconds) {
    return Timestamp.newBuilder().setSeconds(seconds).build();
  }

  @Test
  void aSubmitTheServerRefusesShowsItsReason() throws Exception {
    RunServiceGrpc.RunServiceImplBase validator =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void submitRun(
              SubmitRunRequest request, StreamObserver<SubmitRunResponse> responses) {
            com.google.rpc.Status status =
                com.google.rpc.Status.newBuilder()
                    .setCode(Status.Code.INVALID_ARGUMENT.value())
                    .setMessage("steps: cycle a -> b -> a")
                    .addDetails(
                        Any.pack(
                            ErrorInfo.newBuilder()
                                .setReason("CYCLE")
                                .setDomain("cairn.dev")
                                .build()))
                    .build();
            responses.onError(StatusProto.toStatusRuntimeException(status));
          }
        };
    // The file is good as far as this machine can tell; the server has the last word.
    Path file = dataDir.resolve("refused.yaml");
    Files.writeString(file, "steps:\n  - {id: a, run: x}\n");
    try (TestServer server = new TestServer(validator)) {
      CliHarness.Result bad = cli(server).execute("submit", file.toString());
      CliHarness.Result badJson = cli(server).execute("submit", file.toString(), "-o", "json");

      assertThat(bad.exit()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(bad.err()).isEqualTo("cairn: steps: cycle a -> b -> a\n");
      assertThat(badJson.exit()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(badJson.err())
          .isEqualTo(
              "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"reason\":\"CYCLE\","
                  + "\"message\":\"steps: cycle a -> b -> a\"},\"exit_code\":2}\n");
    }
  }

  @Test
  void submitPrintsTheRunIdOrJson() throws Exception {
    List<SubmitRunRequest> received = new CopyOnWriteArrayList<>();
    RunServiceGrpc.RunServiceImplBase submitter =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void submitRun(
              SubmitRunRequest request, StreamObserver<SubmitRunResponse> responses) {
            received.add(request);
            responses.onNext(SubmitRunResponse.newBuilder().setRunId("r42").build());
            responses.onCompleted();
          }
        };
    Path file = dataDir.resolve("flow.yaml");
    Files.writeString(file, "steps:\n  - {id: a, run: x}\n");
    try (TestServer server = new TestServer(submitter)) {
      CliHarness.Result text = cli(server).execute("submit", file.toString(), "--request-id", "k1");
      CliHarness.Result json = cli(server).execute("submit", file.toString(), "-o", "json");

      assertThat(text.out()).isEqualTo("r42\n");
      assertThat(json.out()).isEqualTo("{\"run_id\":\"r42\",\"existing\":false}\n");
      assertThat(received.get(0).getRequestId()).isEqualTo("k1");
      // The file travels as its text and directory; the server parses it.
      assertThat(received.get(0).hasSpec()).isFalse();
      assertThat(received.get(0).getWorkflowYaml()).isEqualTo(Files.readString(file));
      assertThat(received.get(0).getBaseDir())
          .isEqualTo(dataDir.toAbsolutePath().normalize().toString());
      assertThat(received.get(0).getValidateOnly()).isFalse();
    }
  }

  @Test
  void listIteratesPagesUpToTheLimit() throws Exception {
    List<ListRunsRequest> received = new CopyOnWriteArrayList<>();
    RunServiceGrpc.RunServiceImplBase lister =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void listRuns(
              ListRunsRequest request, StreamObserver<ListRunsResponse> responses) {
            received.add(request);
            int start =
                request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
            ListRunsResponse.Builder page = ListRunsResponse.newBuilder();
            // Pages of at most two, whatever was asked, as a server may cap them.
            for (int index = start; index < start + 2; index++) {
              page.addRuns(
                  RunSummary.newBuilder()
                      .setRunId("r" + index)
                      .setName(request.getName())
                      .setStatus(RunStatus.RUN_STATUS_FAILED)
                      .setCreateTime(at(1_767_323_045L)));
            }
            responses.onNext(page.setNextPageToken(Integer.toString(start + 2)).build());
            responses.onCompleted();
          }
        };
    try (TestServer server = new TestServer(lister)) {
      CliHarness.Result result =
          cli(server)
              .execute("list", "--limit", "5", "--status", "failed,CANCELLED", "--name", "nightly");
      CliHarness.Result json = cli(server).execute("list", "--limit", "1", "-o", "json");

      assertThat(result.exit()).isZero();
      assertThat(result.out().lines().toList())
          .containsExactly(
              "RUN  NAME     STATUS  SUBMITTED            ENDED",
              "r0   nightly  failed  2026-01-02 03:04:05  -",
              "r1   nightly  failed  2026-01-02 03:04:05  -",
              "r2   nightly  failed  2026-01-02 03:04:05  -",
              "r3   nightly  failed  2026-01-02 03:04:05  -",
              "r4   nightly  failed  2026-01-02 03:04:05  -");
      assertThat(received.subList(0, 3))
          .extracting(ListRunsRequest::getPageSize)
          .containsExactly(5, 3, 1);
      assertThat(received.get(0).getStatusesList())
          .containsExactly(RunStatus.RUN_STATUS_FAILED, RunStatus.RUN_STATUS_CANCELLED);
      assertThat(json.out()).hasLineCount(1).startsWith("{\"run_id\":\"r0\"");
    }
  }

  @Test
  void cancelPrintsTheResultingStatus() throws Exception {
    List<CancelRunRequest> received = new CopyOnWriteArrayList<>();
    RunServiceGrpc.RunServiceImplBase canceller =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void cancelRun(
              CancelRunRequest request, StreamObserver<CancelRunResponse> responses) {
            received.add(request);
            responses.onNext(
                CancelRunResponse.newBuilder().setStatus(RunStatus.RUN_STATUS_CANCELLING).build());
            responses.onCompleted();
          }
        };
    try (TestServer server = new TestServer(canceller)) {
      CliHarness.Result result = cli(server).execute("cancel", "r1", "--reason", "enough");

      assertThat(result.exit()).isZero();
      assertThat(result.out()).isEqualTo("run r1: cancelling\n");
      assertThat(received.get(0).getReason()).isEqualTo("enough");
    }
  }

  @Test
  void logsWritesTheRawBytes() throws Exception {
    byte[] first = {'o', 'k', '\n', (byte) 0xff};
    byte[] second = {'\r', 0, 'z'};
    List<StreamLogsRequest> received = new CopyOnWriteArrayList<>();
    RunServiceGrpc.RunServiceImplBase logs =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void streamLogs(
              StreamLogsRequest request, StreamObserver<StreamLogsResponse> responses) {
            received.add(request);
            responses.onNext(
                StreamLogsResponse.newBuilder().setData(ByteString.copyFrom(first)).build());
            responses.onNext(
                StreamLogsResponse.newBuilder()
                    .setData(ByteString.copyFrom(second))
                    .setOffset(4)
                    .build());
            responses.onCompleted();
          }
        };
    try (TestServer server = new TestServer(logs)) {
      CliHarness.Result result =
          cli(server).execute("logs", "r1", "test", "--attempt", "2", "--follow");

      assertThat(result.exit()).isZero();
      assertThat(result.raw()).containsExactly('o', 'k', '\n', 0xff, '\r', 0, 'z');
      assertThat(received.get(0))
          .isEqualTo(
              StreamLogsRequest.newBuilder()
                  .setRunId("r1")
                  .setStepId("test")
                  .setAttempt(2)
                  .setFollow(true)
                  .build());
    }
  }

  @Test
  void logsOfAnUnknownStepIsNotFound() throws Exception {
    RunServiceGrpc.RunServiceImplBase logs =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void streamLogs(
              StreamLogsRequest request, StreamObserver<StreamLogsResponse> responses) {
            responses.onError(
                new StatusRuntimeException(
                    Status.NOT_FOUND.withDescription("no step nope in run r1")));
          }
        };
    try (TestServer server = new TestServer(logs)) {
      CliHarness.Result result = cli(server).execute("logs", "r1", "nope");

      assertThat(result.exit()).isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(result.err()).isEqualTo("cairn: no step nope in run r1\n");
    }
  }

  @Test
  void aTenMegabyteSpecReachesTheServerWhichStatesTheLimit() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    RunServiceGrpc.RunServiceImplBase limited =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void submitRun(
              SubmitRunRequest request, StreamObserver<SubmitRunResponse> responses) {
            sizes.add(request.getWorkflowYaml().length());
            com.google.rpc.Status status =
                com.google.rpc.Status.newBuilder()
                    .setCode(Status.Code.INVALID_ARGUMENT.value())
                    .setMessage("spec is larger than 4 MiB")
                    .addDetails(
                        Any.pack(ErrorInfo.newBuilder().setReason("SPEC_TOO_LARGE").build()))
                    .build();
            responses.onError(StatusProto.toStatusRuntimeException(status));
          }
        };
    Path big = dataDir.resolve("big.yaml");
    Files.writeString(big, "steps:\n  - id: a\n    run: '" + "x".repeat(10_500_000) + "'\n");
    try (TestServer server = new TestServer(limited)) {
      CliHarness.Result result = cli(server).execute("submit", big.toString(), "-o", "json");

      assertThat(sizes)
          .singleElement()
          .satisfies(size -> assertThat(size).isGreaterThan(10_000_000));
      assertThat(result.exit()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(result.err()).contains("\"reason\":\"SPEC_TOO_LARGE\"").hasLineCount(1);
    }
  }
}
