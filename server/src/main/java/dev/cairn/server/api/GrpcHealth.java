package dev.cairn.server.api;

import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.ServerServiceGrpc;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}, answered without a token):
 * NOT_SERVING from the first call until recovery is done, SERVING until the server stops or cannot
 * go on. Quarkus's own gRPC health service is off: it says SERVING as soon as the port opens.
 */
@GrpcService
@Singleton
public class GrpcHealth implements BindableService {
  private static final List<String> SERVICES =
      List.of(
          HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
          RunServiceGrpc.SERVICE_NAME,
          ServerServiceGrpc.SERVICE_NAME);

  private final HealthStatusManager health = new HealthStatusManager();

  public GrpcHealth() {
    set(ServingStatus.NOT_SERVING);
  }

  @Override
  public ServerServiceDefinition bindService() {
    return health.getHealthService().bindService();
  }

  /** The server and each of its services report SERVING from now on. */
  void serving() {
    set(ServingStatus.SERVING);
  }

  /** The server and each of its services report NOT_SERVING from now on. */
  void notServing() {
    set(ServingStatus.NOT_SERVING);
  }

  private void set(ServingStatus status) {
    SERVICES.forEach(name -> health.setStatus(name, status));
  }
}
