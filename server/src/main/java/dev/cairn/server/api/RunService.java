package dev.cairn.server.api;

import com.google.protobuf.ByteString;
import dev.cairn.server.runtime.Engine;
import dev.cairn.server.runtime.EventFeed;
import dev.cairn.server.runtime.OutputReader;
import dev.cairn.server.runtime.RunQueries;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.CancelRunResponse;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.GetRunResponse;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.ListRunsResponse;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The gRPC adapter: maps requests to engine and query calls, and errors to statuses. */
@GrpcService
@Blocking
public class RunService extends RunServiceGrpc.RunServiceImplBase {
  private static final String PRINCIPAL = "local";

  @Inject CairnServer server;

  private RunQueries queries;
  private EventFeed feed;
  private OutputReader output;
  private ExecutorService streams;

  @PostConstruct
  void init() {
    queries = new RunQueries(server.store());
    feed = new EventFeed(server.store(), server.broadcaster());
    output = new OutputReader(queries);
    streams =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "cairn-stream");
              thread.setDaemon(true);
              return thread;
            });
  }

  @PreDestroy
  void close() {
    streams.shutdownNow();
  }

  private Engine engine() {
    return server.engine();
  }

  // Not blocking: the answer is sent from the engine once the submission is durable, so no worker
  // thread waits for the commit and the call makes no thread hop of its own.
  @Override
  @NonBlocking
  public void submitRun(SubmitRunRequest request, StreamObserver<SubmitRunResponse> response) {
    try {
      if (request.getValidateOnly()) {
        engine().validate(request.getSpec());
        reply(response, SubmitRunResponse.getDefaultInstance());
        return;
      }
      engine()
          .submit(request.getSpec(), request.getRequestId(), PRINCIPAL)
          .whenComplete(
              (submitted, error) -> {
                if (error != null) {
                  response.onError(ErrorMapper.toStatus(error));
                } else {
                  reply(
                      response,
                      SubmitRunResponse.newBuilder()
                          .setRunId(submitted.runId())
                          .setExisting(submitted.existing())
                          .build());
                }
              });
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  @Override
  public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> response) {
    try {
      reply(response, GetRunResponse.newBuilder().setRun(queries.get(request.getRunId())).build());
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
    try {
      RunPage page =
          queries.list(
              new RunQuery(
                  request.getPageSize(),
                  request.getPageToken(),
                  new HashSet<>(request.getStatusesList()),
                  request.getName()));
      reply(
          response,
          ListRunsResponse.newBuilder()
              .addAllRuns(page.runs())
              .setNextPageToken(page.nextPageToken())
              .build());
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  @Override
  public void cancelRun(CancelRunRequest request, StreamObserver<CancelRunResponse> response) {
    try {
      var status = engine().cancel(request.getRunId(), request.getReason(), PRINCIPAL).join();
      reply(response, CancelRunResponse.newBuilder().setStatus(status).build());
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  @Override
  public void watchEvents(
      WatchEventsRequest request, StreamObserver<WatchEventsResponse> response) {
    FlowControlledSink<WatchEventsResponse> sink = new FlowControlledSink<>(response);
    streams.execute(
        () ->
            sink.run(
                () ->
                    feed.stream(
                        request.getRunId(),
                        request.getAfterSeq(),
                        request.getFollow(),
                        new EventFeed.Sink() {
                          @Override
                          public void send(dev.cairn.v1.Event event) throws InterruptedException {
                            sink.send(WatchEventsResponse.newBuilder().setEvent(event).build());
                          }

                          @Override
                          public boolean cancelled() {
                            return sink.cancelled();
                          }
                        })));
  }

  @Override
  public void streamLogs(StreamLogsRequest request, StreamObserver<StreamLogsResponse> response) {
    FlowControlledSink<StreamLogsResponse> sink = new FlowControlledSink<>(response);
    streams.execute(
        () ->
            sink.run(
                () ->
                    output.stream(
                        request.getRunId(),
                        request.getStepId(),
                        request.getAttempt(),
                        request.getOffset(),
                        request.getFollow(),
                        new OutputReader.Sink() {
                          @Override
                          public void send(byte[] data, long offset, int attempt)
                              throws InterruptedException {
                            sink.send(
                                StreamLogsResponse.newBuilder()
                                    .setData(ByteString.copyFrom(data))
                                    .setOffset(offset)
                                    .setAttempt(attempt)
                                    .build());
                          }

                          @Override
                          public boolean cancelled() {
                            return sink.cancelled();
                          }
                        })));
  }

  private static <T> void reply(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }

  /** Adapts a server stream to a blocking sender that waits while the client is not ready. */
  static final class FlowControlledSink<T> {
    private final ServerCallStreamObserver<T> observer;
    private final Object lock = new Object();
    private volatile boolean cancelled;

    FlowControlledSink(StreamObserver<T> response) {
      this.observer = (ServerCallStreamObserver<T>) response;
      observer.setOnCancelHandler(
          () -> {
            cancelled = true;
            wake();
          });
      observer.setOnReadyHandler(this::wake);
    }

    interface Body {
      void run() throws Exception;
    }

    void run(Body body) {
      try {
        body.run();
        if (!cancelled) {
          observer.onCompleted();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        if (!cancelled) {
          observer.onError(ErrorMapper.toStatus(e));
        }
      }
    }

    void send(T value) throws InterruptedException {
      synchronized (lock) {
        while (!observer.isReady() && !cancelled) {
          lock.wait(100);
        }
      }
      if (!cancelled) {
        observer.onNext(value);
      }
    }

    boolean cancelled() {
      return cancelled;
    }

    private void wake() {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }
}
