package dev.cairn.server.api;

import dev.cairn.server.runtime.Engine;
import dev.cairn.server.runtime.EngineObserver;
import dev.cairn.server.runtime.EventBroadcaster;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine's metrics, served at {@code /q/metrics} in Prometheus's format. Counters are counted
 * from committed events, so they count facts, not attempts at them; every label has a small, fixed
 * set of values (a status, a failure reason), never a run or step id.
 */
@Singleton
public class EngineMetrics implements EngineObserver {
  /** Histogram buckets for latencies: a few per decade, from 0.1 ms to 5 s. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;
  private final Counter runsSubmitted;
  private final Map<RunEnd, Counter> runsFinished = new EnumMap<>(RunEnd.class);
  private final Counter attemptsStarted;
  private final Map<FailureReason, Counter> attemptsFailed = new EnumMap<>(FailureReason.class);
  private final Counter eventsAppended;
  private final Timer commitLatency;
  private final DistributionSummary commitBatch;
  private final Timer spawnLatency;

  /** How a run ended, as the {@code status} label says it. */
  enum RunEnd {
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  @Inject
  public EngineMetrics(MeterRegistry registry) {
    this.registry = registry;
    runsSubmitted =
        Counter.builder("cairn.runs.submitted").description("Runs accepted").register(registry);
    for (RunEnd end : RunEnd.values()) {
      runsFinished.put(
          end,
          Counter.builder("cairn.runs.finished")
              .description("Runs that ended, by how")
              .tag("status", end.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    attemptsStarted =
        Counter.builder("cairn.attempts.started")
            .description("Attempts whose process started")
            .register(registry);
    eventsAppended =
        Counter.builder("cairn.events.appended")
            .description("Events appended to the event store")
            .register(registry);
    commitLatency =
        Timer.builder("cairn.store.commit")
            .description("Time to append one batch of events: one transaction, one fsync")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    commitBatch =
        DistributionSummary.builder("cairn.store.commit.batch")
            .description("Events per commit")
            .baseUnit("events")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
            .register(registry);
    spawnLatency =
        Timer.builder("cairn.attempt.spawn")
            .description("Time from the engine asking for an attempt to its process running")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
  }

  /** Gauges read from the running server. */
  void bind(Engine engine, EventStore store, EventBroadcaster broadcaster) {
    Gauge.builder("cairn.steps.running", engine, Engine::runningAttempts)
        .description("Attempts whose processes run now")
        .register(registry);
    Gauge.builder("cairn.steps.waiting", engine, Engine::waitingForSlot)
        .description("Steps ready to start that wait for a free slot")
        .register(registry);
    Gauge.builder("cairn.runs.live", engine, Engine::liveRuns)
        .description("Runs not yet ended")
        .register(registry);
    Gauge.builder("cairn.watch.streams", broadcaster, EventBroadcaster::watchers)
        .description("Open WatchEvents streams that follow live events")
        .register(registry);
    Gauge.builder("cairn.store.full", engine, e -> e.storeFull() ? 1 : 0)
        .description("1 while the disk holding the event store is full")
        .register(registry);
  }

  @Override
  public void committed(List<Event> events, long nanos) {
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    commitBatch.record(events.size());
    eventsAppended.increment(events.size());
    for (Event event : events) {
      switch (event.getPayloadCase()) {
        case RUN_SUBMITTED -> runsSubmitted.increment();
        case STEP_STARTED -> attemptsStarted.increment();
        case STEP_FAILED -> failed(event.getStepFailed().getReason()).increment();
        case RUN_SUCCEEDED -> runsFinished.get(RunEnd.SUCCEEDED).increment();
        case RUN_FAILED -> runsFinished.get(RunEnd.FAILED).increment();
        case RUN_CANCELLED -> runsFinished.get(RunEnd.CANCELLED).increment();
        default -> {
          // Not counted.
        }
      }
    }
  }

  @Override
  public void spawned(long nanos) {
    spawnLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter failed(FailureReason reason) {
    return attemptsFailed.computeIfAbsent(
        reason,
        r ->
            Counter.builder("cairn.attempts.failed")
                .description("Attempts that failed, by reason")
                .tag("reason", reasonLabel(r))
                .register(registry));
  }

  /** {@code FAILURE_REASON_EXIT_CODE} reads {@code exit_code}. */
  static String reasonLabel(FailureReason reason) {
    return reason.name().replaceFirst("^FAILURE_REASON_", "").toLowerCase(Locale.ROOT);
  }
}
