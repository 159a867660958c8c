package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watcher that never reads, while runs with specs of almost 1 MiB each are submitted: it costs
 * the server a bounded amount of memory and is ended with ABORTED/WATCHER_TOO_SLOW, while a reading
 * watcher beside it sees every event.
 */
class SlowWatcherIT {
  private static final int RUNS = 2_000;

  /** Ten variables of 99,000 bytes: a 0.95 MiB spec, each value within what exec accepts. */
  private static final int FILLERS = 10;

  private static final int FILLER_BYTES = 99_000;

  /** Runs submitted and not yet seen to finish, so that the engine's own work stays small. */
  private static final int UNFINISHED = 32;

  /**
   * The server runs with the memory settings bin/cairn gives it (a serial collector, a 32 MiB young
   * generation, a 512 MiB heap cap), and its peak resident set must stay below that cap: the heap,
   * the JVM's own memory (code, metaspace, threads) and the transport's direct buffers all
   * together, with nothing growing with the 1.9 GB of events that went through it.
   */
  private static final String[] LAUNCHER_MEMORY = {
    "-XX:+UseSerialGC", "-Xms40m", "-Xmn32m", "-Xmx512m"
  };

  private static final long PEAK_RSS_LIMIT_MIB = 512;

  @TempDir Path dir;

  @Test
  void aWatcherThatNeverReadsIsEndedAndTheServerStaysWithinItsMemory() throws Exception {
    // On tmpfs where there is one: the test is about the watchers, and 2 GB written to the store
    // with an fsync per commit takes minutes on a slow disk.
    Path shm = Path.of("/dev/shm");
    Path data =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "cairn-slow-watcher-")
            : dir.resolve("data");
    List<String> options = new ArrayList<>(List.of(LAUNCHER_MEMORY));
    options.add("-Dcairn.stop-grace=2s");
    try (ServerProcess server = ServerProcess.start(data, options.toArray(String[]::new))) {
      run(server);
    } finally {
      deleteTree(data);
    }
  }

  private void run(ServerProcess server) throws Exception {
    ProcStatus before = ProcStatus.of(server.pid());
    // Its own connection, with a small window, on which it never asks for a message.
    ManagedChannel stalledChannel =
        NettyChannelBuilder.forTarget(server.target())
            .usePlaintext()
            .flowControlWindow(64 * 1024)
            .build();
    Stalled stalled = new Stalled();
    ClientCall<WatchEventsRequest, WatchEventsResponse> stalledCall =
        stalledChannel.newCall(
            RunServiceGrpc.getWatchEventsMethod(),
            CallOptions.DEFAULT.withCallCredentials(ServerProcess.bearer(server.token())));
    stalledCall.start(stalled, new Metadata());
    stalledCall.sendMessage(WatchEventsRequest.newBuilder().setFollow(true).build());
    stalledCall.halfClose();

    Semaphore unfinished = new Semaphore(UNFINISHED);
    Reader reader = new Reader(unfinished);
    server.asyncStub().watchEvents(WatchEventsRequest.newBuilder().setFollow(true).build(), reader);

    WorkflowSpec spec = bulkySpec();
    assertThat(spec.getSerializedSize()).isBetween(990_000, 1_000_000);
    List<CompletableFuture<SubmitRunResponse>> submits = new ArrayList<>();
    List<String> samples = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < RUNS; i++) {
      assertThat(unfinished.tryAcquire(60, TimeUnit.SECONDS))
          .as("a run finished within 60 s; reader at %d events", reader.count())
          .isTrue();
      submits.add(submit(server, spec));
      if (i % 250 == 0) {
        samples.add(i + ": " + ProcStatus.of(server.pid()).rssMib() + " MiB");
      }
    }
    for (CompletableFuture<SubmitRunResponse> submit : submits) {
      assertThat(submit.get(60, TimeUnit.SECONDS).getRunId()).isNotEmpty();
    }
    assertThat(unfinished.tryAcquire(UNFINISHED, 60, TimeUnit.SECONDS))
        .as("every run finished; reader at %d events", reader.count())
        .isTrue();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "SlowWatcherIT: CPU used: server %.1f s, this test's JVM %.1f s%n",
        ProcStatus.cpuSeconds(server.pid()), ProcStatus.cpuSeconds(ProcessHandle.current().pid()));
    ProcStatus after = ProcStatus.of(server.pid());
    System.out.printf(
        "SlowWatcherIT: %d runs of %d-byte specs in %.1f s; server before: %s; after: %s;"
            + " RSS after so many submits: %s%n",
        RUNS, spec.getSerializedSize(), seconds, before, after, samples);

    assertThat(server.alive()).isTrue();
    assertThat(
            HealthGrpc.newBlockingStub(server.channel())
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(server.logText()).doesNotContain("OutOfMemoryError");
    assertThat(after.peakRssMib()).isLessThan(PEAK_RSS_LIMIT_MIB);

    // The reading watcher saw every event, in order, once.
    reader.cancel();
    List<Long> seqs = List.copyOf(reader.seqs);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).as("global seq at %d", i).isEqualTo(i + 1L);
    }
    assertThat(reader.submitted.get()).isEqualTo(RUNS);
    assertThat(reader.succeeded.get()).isEqualTo(RUNS);

    // The stalled watcher was ended; once it reads, it gets what the transport held, then the
    // status naming where to resume.
    stalledCall.request(Integer.MAX_VALUE);
    Status status = stalled.closed.get(30, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(status.getDescription()).contains("after_seq=" + stalled.lastSeq).contains("resume");
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, stalled.trailers);
    assertThat(details.getDetails(0).unpack(ErrorInfo.class).getReason())
        .isEqualTo("WATCHER_TOO_SLOW");
    assertThat(stalled.lastSeq).isLessThan(seqs.size() / 10);
    System.out.printf(
        "SlowWatcherIT: the stalled watcher got %d events, then %s%n",
        stalled.lastSeq, status.getDescription());
    stalledChannel.shutdownNow();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static CompletableFuture<SubmitRunResponse> submit(
      ServerProcess server, WorkflowSpec spec) {
    CompletableFuture<SubmitRunResponse> done = new CompletableFuture<>();
    server
        .asyncStub()
        .submitRun(
            SubmitRunRequest.newBuilder().setSpec(spec).build(),
            new io.grpc.stub.StreamObserver<>() {
              @Override
              public void onNext(SubmitRunResponse value) {
                done.complete(value);
              }

              @Override
              public void onError(Throwable error) {
                done.completeExceptionally(error);
              }

              @Override
              public void onCompleted() {}
            });
    return done;
  }

  private static WorkflowSpec bulkySpec() {
    WorkflowSpec.Builder spec = Specs.workflow("bulky", Specs.shell("noop", "true")).toBuilder();
    for (int i = 0; i < FILLERS; i++) {
      spec.putEnv("FILLER_" + i, String.valueOf((char) ('a' + i)).repeat(FILLER_BYTES));
    }
    return spec.build();
  }

  /** Never asks for a message until the test says so; records what it got and how it ended. */
  private static final class Stalled extends ClientCall.Listener<WatchEventsResponse> {
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    volatile long lastSeq;
    volatile Metadata trailers;

    @Override
    public void onMessage(WatchEventsResponse message) {
      lastSeq = message.getEvent().getGlobalSeq();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      this.trailers = trailers;
      closed.complete(status);
    }
  }

  /** Reads as fast as it can, keeping only sequence numbers and counts, not the 1 MiB events. */
  private static final class Reader
      implements ClientResponseObserver<WatchEventsRequest, WatchEventsResponse> {
    final ConcurrentLinkedQueue<Long> seqs = new ConcurrentLinkedQueue<>();
    final AtomicInteger submitted = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    private final Semaphore unfinished;
    private volatile ClientCallStreamObserver<WatchEventsRequest> call;

    Reader(Semaphore unfinished) {
      this.unfinished = unfinished;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(WatchEventsResponse response) {
      Event event = response.getEvent();
      seqs.add(event.getGlobalSeq());
      if (event.hasRunSubmitted()) {
        submitted.incrementAndGet();
      } else if (event.hasRunSucceeded()) {
        succeeded.incrementAndGet();
        unfinished.release();
      } else if (event.hasRunFailed() || event.hasRunCancelled()) {
        unfinished.release();
      }
    }

    @Override
    public void onError(Throwable error) {
      if (!(error instanceof io.grpc.StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.CANCELLED)) {
        System.err.println("SlowWatcherIT: the reading watcher ended with " + error);
      }
    }

    @Override
    public void onCompleted() {}

    int count() {
      return seqs.size();
    }

    void cancel() {
      call.cancel("done", null);
    }
  }
}
