package dev.cairn.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import dev.cairn.server.runtime.Engine;
import dev.cairn.server.runtime.EventBroadcaster;
import dev.cairn.server.runtime.EventFeed;
import dev.cairn.server.runtime.OutputReader;
import dev.cairn.server.runtime.RunQueries;
import dev.cairn.server.runtime.RunRemover;
import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RemovedRun;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.CancelRunResponse;
import dev.cairn.v1.DeleteRunRequest;
import dev.cairn.v1.DeleteRunResponse;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.GetRunResponse;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.ListRunsResponse;
import dev.cairn.v1.RerunRunRequest;
import dev.cairn.v1.RerunRunResponse;
import dev.cairn.v1.RunRemovalCause;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.SubmitRequests;
import dev.cairn.workflow.WorkflowFileException;
import dev.cairn.workflow.spec.InvalidSpecException;
import dev.cairn.workflow.spec.RunFeatures;
import dev.cairn.workflow.spec.SpecValidator;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gRPC adapter: maps requests to engine and query calls, and errors to statuses.
 *
 * <p>Methods are called on the Vert.x event loop that serves the call, which must never block:
 * those that read the store run on {@code queries} (bounded); streams run in short passes on {@code
 * streams}, a few threads for any number of streams, and hold none while they wait; SubmitRun and
 * CancelRun only hand a command to the engine, which answers once it is durable.
 */
@GrpcService
@Singleton
public class RunService implements RunServiceGrpc.AsyncService, BindableService {
  /** Field number of WatchEventsResponse.event. */
  private static final int EVENT_FIELD = 1;

  private static final String PRINCIPAL = "local";

  private final Engine engine;
  private final RunQueries runs;
  private final EventFeed feed;
  private final OutputReader output;
  private final Executor queries;
  private OpenStreams openStreams = new OpenStreams();
  private final RunRemover remover;

  /** This server as a node of several, or empty when it is alone. */
  private Optional<ClusterPeers> cluster = Optional.empty();

  private Executor streams;

  @Inject
  RunService(CairnServer server) {
    this(
        server.engine(),
        server.store(),
        server.broadcaster(),
        server.maxEventBytes(),
        server.queryWorkers(),
        server.streamWorkers(),
        server.remover());
    this.openStreams = server.openStreams();
    this.cluster = server.cluster();
    this.streams = server.streamWorkers();
  }

  RunService(
      Engine engine,
      EventStore store,
      EventBroadcaster broadcaster,
      long maxEventBytes,
      Executor queries,
      ScheduledExecutorService streams,
      RunRemover remover) {
    this.remover = remover;
    this.engine = engine;
    this.runs = new RunQueries(store);
    this.feed = new EventFeed(store, broadcaster, maxEventBytes, streams);
    this.output = new OutputReader(runs, streams);
    this.queries = queries;
  }

  // The answer is sent from the engine once the submission is durable, so no thread waits for the
  // commit and the call makes no thread hop of its own.
  @Override
  public void submitRun(SubmitRunRequest request, StreamObserver<SubmitRunResponse> response) {
    try {
      RequestLimits.requestId(request.getRequestId());
      WorkflowSpec spec = workflowSpec(request, engine.maxSpecBytes());
      if (request.getValidateOnly()) {
        engine.validate(spec);
        reply(response, SubmitRunResponse.newBuilder().setResolvedSpec(spec).build());
        return;
      }
      if (cluster.isPresent() && !PlacedSubmits.placedHere()) {
        Optional<CompletableFuture<SubmitRunResponse>> placed =
            cluster.get().place(request, engine.liveRuns());
        if (placed.isPresent()) {
          replyWhenDone(placed.get(), response, answer -> answer);
          return;
        }
      }
      Supplier<CompletableFuture<Engine.Submitted>> submit =
          () ->
              engine.submit(
                  spec,
                  request.getRequestId(),
                  PRINCIPAL,
                  request.getParamsMap(),
                  request.getLabelsMap());
      replyWhenDone(
          cluster.isPresent()
              ? cluster.get().oneRunPerRequest(request.getRequestId(), submit, queries)
              : submit.get(),
          response,
          submitted ->
              SubmitRunResponse.newBuilder()
                  .setRunId(submitted.runId())
                  .setExisting(submitted.existing())
                  .build());
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  // Answered from the engine once the new run is durable, as a submit is.
  @Override
  public void rerunRun(RerunRunRequest request, StreamObserver<RerunRunResponse> response) {
    try {
      RequestLimits.requestId(request.getRequestId());
      Supplier<CompletableFuture<Engine.Rerunning>> start =
          () ->
              engine.rerun(
                  request.getRunId(),
                  request.getStepsList(),
                  request.getRequestId(),
                  PRINCIPAL,
                  request.getParamsMap());
      replyWhenDone(
          cluster.isPresent()
              ? cluster.get().oneRunPerRequest(request.getRequestId(), start, queries)
              : start.get(),
          response,
          rerun ->
              RerunRunResponse.newBuilder()
                  .setRunId(rerun.runId())
                  .setExisting(rerun.existing())
                  .addAllRerunStepIds(rerun.rerunStepIds())
                  .build());
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  /**
   * The request's spec, or the one the shared parser makes of its workflow file text. Every problem
   * of the file is in the message, one {@code line N: field: problem} each; the first one's field
   * and reason are the status's.
   */
  private static WorkflowSpec workflowSpec(SubmitRunRequest request, int maxBytes) {
    // On this transport thread: refused before it is parsed.
    SpecValidator.checkFileSize(request.getWorkflowYamlBytes().size(), maxBytes);
    try {
      return SubmitRequests.spec(request);
    } catch (WorkflowFileException e) {
      throw new InvalidSpecException(e.first().reason(), e.first().field(), e.getMessage());
    }
  }

  @Override
  public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> response) {
    onWorker(
        response, () -> GetRunResponse.newBuilder().setRun(runs.get(request.getRunId())).build());
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
    onWorker(
        response,
        () -> {
          // A filter by a label no run can carry would match nothing: refused as a submit is.
          RunFeatures.checkSubmitLabels(request.getLabelsMap());
          RunPage page =
              runs.list(
                  new RunQuery(
                      request.getPageSize(),
                      request.getPageToken(),
                      new HashSet<>(request.getStatusesList()),
                      request.getName(),
                      request.getLabelsMap()));
          return ListRunsResponse.newBuilder()
              .addAllRuns(page.runs())
              .setNextPageToken(page.nextPageToken())
              .build();
        });
  }

  @Override
  public void cancelRun(CancelRunRequest request, StreamObserver<CancelRunResponse> response) {
    try {
      RequestLimits.note("reason", request.getReason());
      replyWhenDone(
          cluster.isPresent()
              ? cluster.get().commands().cancel(request.getRunId(), request.getReason(), PRINCIPAL)
              : engine.cancel(request.getRunId(), request.getReason(), PRINCIPAL),
          response,
          status -> CancelRunResponse.newBuilder().setStatus(status).build());
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  // On a query thread: the removal waits for the store's writer, one short transaction.
  @Override
  public void deleteRun(DeleteRunRequest request, StreamObserver<DeleteRunResponse> response) {
    onWorker(
        response,
        () -> {
          RemovedRun removed = remover.delete(request.getRunId());
          return DeleteRunResponse.newBuilder()
              .setRunId(removed.runId())
              .setRemoveTime(
                  Timestamp.newBuilder()
                      .setSeconds(removed.removedAt().getEpochSecond())
                      .setNanos(removed.removedAt().getNano()))
              .setCause(
                  removed.cause() == RemovedRun.Cause.RETENTION
                      ? RunRemovalCause.RUN_REMOVAL_CAUSE_RETENTION
                      : RunRemovalCause.RUN_REMOVAL_CAUSE_DELETE)
              .build();
        });
  }

  /**
   * The generated definition, with WatchEvents sending its events as the store holds them (see
   * {@link EncodedWatch}).
   */
  @Override
  public ServerServiceDefinition bindService() {
    return EncodedWatch.bind(RunServiceGrpc.bindService(this), this::watchEventsEncoded);
  }

  /**
   * WatchEvents. Holds no thread: the feed runs in passes on {@code streams} when the client can
   * take more or events are published (see {@link EventFeed}).
   */
  void watchEventsEncoded(WatchEventsRequest request, StreamObserver<EncodedResponse> response) {
    if (request.getAfterSeq() < 0) {
      // A uint64 on the wire; sequence numbers are signed 64-bit numbers here and in the store.
      response.onError(
          ErrorMapper.status(
              Code.INVALID_ARGUMENT,
              "INVALID_REQUEST",
              "after_seq "
                  + Long.toUnsignedString(request.getAfterSeq())
                  + " is out of range: sequence numbers are below 2^63",
              "after_seq"));
      return;
    }
    if (request.getMaxBatch() > 0) {
      EventBatchSink batches = new EventBatchSink(response, request.getMaxBatch());
      batches.track(openStreams);
      batches.start(
          feed.watch(request.getRunId(), request.getAfterSeq(), request.getFollow(), batches));
      return;
    }
    CallSink<EncodedEvent, EncodedResponse> sink =
        new CallSink<>(response, event -> EncodedResponse.ofField(EVENT_FIELD, event.bytes()));
    sink.track(openStreams);
    sink.start(feed.watch(request.getRunId(), request.getAfterSeq(), request.getFollow(), sink));
  }

  /** Holds no thread, as {@link #watchEvents}; a followed file is looked at again by a timer. */
  @Override
  public void streamLogs(StreamLogsRequest request, StreamObserver<StreamLogsResponse> response) {
    CallSink<OutputReader.Chunk, StreamLogsResponse> sink =
        new CallSink<>(
            response,
            chunk ->
                StreamLogsResponse.newBuilder()
                    .setData(ByteString.copyFrom(chunk.data()))
                    .setOffset(chunk.offset())
                    .setAttempt(chunk.attempt())
                    .build());
    Runnable stream;
    if (cluster.isPresent()) {
      sink.start(cluster.get().streamLogs(request, sink, output, streams));
      return;
    }
    try {
      stream =
          output.stream(
              request.getRunId(),
              request.getStepId(),
              request.getAttempt(),
              request.getOffset(),
              request.getFollow(),
              sink);
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
      return;
    }
    sink.start(stream);
  }

  /** Answers once the engine's future completes, on the call's own context (CallContext). */
  private static <V, T> void replyWhenDone(
      CompletableFuture<V> future, StreamObserver<T> response, Function<V, T> answer) {
    CallContext context = CallContext.current();
    future.whenComplete(
        (value, error) ->
            context.run(
                () -> {
                  if (error != null) {
                    response.onError(ErrorMapper.toStatus(error));
                  } else {
                    reply(response, answer.apply(value));
                  }
                }));
  }

  /**
   * Answers with what {@code query} returns, computed on a query thread; RESOURCE_EXHAUSTED when
   * they all are busy and the queue is full.
   */
  private <T> void onWorker(StreamObserver<T> response, Supplier<T> query) {
    CallContext context = CallContext.current();
    try {
      queries.execute(() -> answer(response, query, context));
    } catch (RejectedExecutionException e) {
      response.onError(
          ErrorMapper.busy("too many calls are waiting for the store; retry with backoff"));
    }
  }

  private static <T> void answer(
      StreamObserver<T> response, Supplier<T> query, CallContext context) {
    T value;
    try {
      value = query.get();
    } catch (RuntimeException e) {
      context.run(() -> response.onError(ErrorMapper.toStatus(e)));
      return;
    } catch (Error e) {
      // Close the call before the error ends this thread's task, or the client waits for ever.
      context.run(() -> response.onError(ErrorMapper.toStatus(e)));
      throw e;
    }
    context.run(() -> reply(response, value));
  }

  private static <T> void reply(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
