package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thousands of open watch streams cost the server no thread each. */
class IdleStreamsIT {
  private static final int STREAMS = 5_000;
  private static final int CHANNELS = 10;

  @TempDir Path dir;

  @Test
  void fiveThousandFollowedStreamsAddNoThreads() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      // A first run, so that the stream code is loaded and its pool started before counting.
      runs.follow(runs.submit(workflow("warm", shell("s", "true"))));
      List<Event> stored = runs.all();
      long head = stored.get(stored.size() - 1).getGlobalSeq();
      ProcStatus before = ProcStatus.of(server.pid());

      List<ManagedChannel> channels = new ArrayList<>();
      for (int c = 0; c < CHANNELS; c++) {
        channels.add(NettyChannelBuilder.forTarget(server.target()).usePlaintext().build());
      }
      List<Watcher> watchers = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        Watcher watcher = new Watcher();
        RunServiceGrpc.newStub(channels.get(i % CHANNELS))
            .withCallCredentials(ServerProcess.bearer(server.token()))
            .watchEvents(
                WatchEventsRequest.newBuilder().setFollow(true).setAfterSeq(head).build(), watcher);
        watchers.add(watcher);
      }
      // Every stream is open and served once each has seen the next run end.
      runs.submit(workflow("fan-out", shell("s", "true")));
      for (Watcher watcher : watchers) {
        assertThat(watcher.await()).as("every stream saw the run end").isTrue();
      }
      ProcStatus after = ProcStatus.of(server.pid());
      System.out.printf(
          "IdleStreamsIT: before %d streams: %s; with them open (idle again): %s%n",
          STREAMS, before, after);
      assertThat(after.threads()).isLessThan(before.threads() + 50);
      watchers.forEach(Watcher::cancel);
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** Counts the terminal events it sees. */
  private static final class Watcher
      implements ClientResponseObserver<WatchEventsRequest, WatchEventsResponse> {
    final CountDownLatch terminal = new CountDownLatch(1);
    volatile ClientCallStreamObserver<WatchEventsRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(WatchEventsResponse response) {
      if (response.getEvent().hasRunSucceeded()) {
        terminal.countDown();
      }
    }

    @Override
    public void onError(Throwable error) {}

    @Override
    public void onCompleted() {}

    boolean await() throws InterruptedException {
      return terminal.await(60, TimeUnit.SECONDS);
    }

    void cancel() {
      call.cancel("done", null);
    }
  }
}
