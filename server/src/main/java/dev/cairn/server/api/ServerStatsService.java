package dev.cairn.server.api;

import dev.cairn.server.store.StoreStats;
import dev.cairn.v1.GetServerStatsRequest;
import dev.cairn.v1.GetServerStatsResponse;
import dev.cairn.v1.ServerServiceGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/** The gRPC adapter for server counters (commits per step is a benchmark figure). */
@GrpcService
@Blocking
public class ServerStatsService extends ServerServiceGrpc.ServerServiceImplBase {
  @Inject CairnServer server;

  @Override
  public void getServerStats(
      GetServerStatsRequest request, StreamObserver<GetServerStatsResponse> response) {
    try {
      StoreStats store = server.store().stats();
      response.onNext(
          GetServerStatsResponse.newBuilder()
              .setCommits(store.commits())
              .setEventsAppended(store.eventsAppended())
              .setRunningAttempts(server.engine().runningAttempts())
              .setLiveRuns(server.engine().liveRuns())
              .setAttemptsStarted(server.engine().attemptsStarted())
              .build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(ErrorMapper.toStatus(e));
    }
  }
}
