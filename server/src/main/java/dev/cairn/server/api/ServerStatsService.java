package dev.cairn.server.api;

import dev.cairn.server.runtime.Engine;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreStats;
import dev.cairn.v1.GetServerStatsRequest;
import dev.cairn.v1.GetServerStatsResponse;
import dev.cairn.v1.ServerServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The gRPC adapter for server counters (commits per step is a benchmark figure). Every counter is
 * in memory, so the call is answered on the event loop.
 */
@GrpcService
@Singleton
public class ServerStatsService extends ServerServiceGrpc.ServerServiceImplBase {
  private final EventStore store;
  private final Engine engine;

  @Inject
  ServerStatsService(CairnServer server) {
    this(server.store(), server.engine());
  }

  ServerStatsService(EventStore store, Engine engine) {
    this.store = store;
    this.engine = engine;
  }

  @Override
  public void getServerStats(
      GetServerStatsRequest request, StreamObserver<GetServerStatsResponse> response) {
    try {
      response.onNext(stats());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }

  /** The counters, for this service and for the HTTP API. */
  GetServerStatsResponse stats() {
    StoreStats stats = store.stats();
    return GetServerStatsResponse.newBuilder()
        .setCommits(stats.commits())
        .setEventsAppended(stats.eventsAppended())
        .setRunningAttempts(engine.runningAttempts())
        .setLiveRuns(engine.liveRuns())
        .setAttemptsStarted(engine.attemptsStarted())
        .build();
  }
}
