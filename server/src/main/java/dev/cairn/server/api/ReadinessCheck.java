package dev.cairn.server.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: up once recovery is done and while the store takes writes; down, with
 * the reason, while recovery runs and while the disk holding the store is full.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
  private final CairnServer server;

  @Inject
  ReadinessCheck(CairnServer server) {
    this.server = server;
  }

  @Override
  public HealthCheckResponse call() {
    if (!server.ready()) {
      return HealthCheckResponse.named("cairn")
          .down()
          .withData("reason", "recovering unfinished runs from the event log")
          .build();
    }
    Optional<String> unwritable = server.storeUnwritable();
    if (unwritable.isPresent()) {
      return HealthCheckResponse.named("cairn").down().withData("reason", unwritable.get()).build();
    }
    return HealthCheckResponse.named("cairn").up().build();
  }
}
