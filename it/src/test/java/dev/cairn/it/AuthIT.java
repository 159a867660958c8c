package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WatchEventsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every RPC, streaming ones included, needs the bearer token. */
class AuthIT extends SharedServer {

  private static final List<Consumer<RunServiceGrpc.RunServiceBlockingStub>> CALLS =
      List.of(
          stub ->
              stub.submitRun(
                  SubmitRunRequest.newBuilder()
                      .setSpec(Specs.workflow("x", Specs.shell("a", "true")))
                      .build()),
          stub -> stub.getRun(GetRunRequest.newBuilder().setRunId("x").build()),
          stub -> stub.listRuns(ListRunsRequest.getDefaultInstance()),
          stub -> stub.cancelRun(CancelRunRequest.newBuilder().setRunId("x").build()),
          stub -> stub.watchEvents(WatchEventsRequest.getDefaultInstance()).hasNext(),
          stub ->
              stub.streamLogs(StreamLogsRequest.newBuilder().setRunId("x").setStepId("a").build())
                  .hasNext());

  private static void assertUnauthenticated(RunServiceGrpc.RunServiceBlockingStub stub) {
    for (Consumer<RunServiceGrpc.RunServiceBlockingStub> call : CALLS) {
      StatusRuntimeException error =
          catchThrowableOfType(StatusRuntimeException.class, () -> call.accept(stub));
      assertThat(error).isNotNull();
      assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }

  @Test
  void noTokenIsRejectedOnEveryRpc() {
    assertUnauthenticated(RunServiceGrpc.newBlockingStub(server.channel()));
  }

  @Test
  void wrongTokenIsRejectedOnEveryRpc() {
    assertUnauthenticated(
        RunServiceGrpc.newBlockingStub(server.channel())
            .withCallCredentials(ServerProcess.bearer("not-the-token")));
  }

  @Test
  void rightTokenIsAccepted() {
    assertThat(server.stub().listRuns(ListRunsRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void tokenFileIsPrivate() throws Exception {
    var permissions = java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("token"));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(permissions))
        .isEqualTo("rw-------");
  }

  @Test
  void healthNeedsNoToken() {
    var response =
        HealthGrpc.newBlockingStub(server.channel()).check(HealthCheckRequest.getDefaultInstance());
    assertThat(response.getStatus().name()).isEqualTo("SERVING");
  }
}
