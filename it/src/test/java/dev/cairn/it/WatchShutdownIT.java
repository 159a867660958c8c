package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that stops sends its followed streams its last events, then ends them UNAVAILABLE. */
class WatchShutdownIT {
  @TempDir Path dir;

  @Test
  void aFollowedStreamGetsTheInterruptedAttemptThenUnavailable() throws Exception {
    ServerProcess server = ServerProcess.start(dir, "-Dcairn.stop-grace=2s");
    ManagedChannel channel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().build();
    try {
      Runs runs = new Runs(server);
      String runId = runs.submit(workflow("long", shell("sleepy", "sleep 1000")));
      runs.awaitStatus(
          runId, run -> run.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(30));

      List<Event> events = new CopyOnWriteArrayList<>();
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      RunServiceGrpc.newStub(channel)
          .withCallCredentials(ServerProcess.bearer(server.token()))
          .watchEvents(
              WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(WatchEventsResponse response) {
                  events.add(response.getEvent());
                  if (response.getEvent().hasStepStarted()) {
                    started.countDown();
                  }
                }

                @Override
                public void onError(Throwable error) {
                  ended.complete(error);
                }

                @Override
                public void onCompleted() {
                  ended.complete(null);
                }
              });
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

      server.terminate();

      Throwable error = ended.get(30, TimeUnit.SECONDS);
      assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      ErrorInfo info = ErrorInfos.of(error);
      assertThat(info.getReason()).isEqualTo("ENGINE_STOPPED");
      // The engine records the attempt it stopped on the way out; the stream ends after it.
      assertThat(events)
          .anySatisfy(
              event ->
                  assertThat(event.getStepFailed().getReason())
                      .isEqualTo(FailureReason.FAILURE_REASON_INTERRUPTED));
      History.assertGapFree(events);
    } finally {
      channel.shutdownNow();
      server.close();
    }
  }
}
