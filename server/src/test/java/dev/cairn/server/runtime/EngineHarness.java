package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.process.LauncherKind;
import dev.cairn.server.process.ProcessSupervisor;
import dev.cairn.server.store.sqlite.SqliteEventStore;
import dev.cairn.v1.Event;
import dev.cairn.workflow.spec.SpecLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A real engine over a real SQLite store in a temporary directory and a real process supervisor,
 * with every committed event to await.
 */
final class EngineHarness implements AutoCloseable {
  final SqliteEventStore store;
  final ProcessSupervisor supervisor;
  final EventBroadcaster broadcaster = new EventBroadcaster();
  private final Semaphore published = new Semaphore(0);
  // Subscribed and resumed before the engine starts, so every event it commits is queued here.
  final EventBroadcaster.Subscription events = broadcaster.subscribe("", published::release);
  final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
  final Engine engine;
  private final List<Event> seen = new ArrayList<>();

  EngineHarness(Path dir) throws InterruptedException {
    events.resume();
    store = SqliteEventStore.open(dir.resolve("cairn.db"));
    supervisor =
        new ProcessSupervisor(Duration.ofSeconds(1), LauncherKind.AUTO, dir.resolve("bin"));
    EngineSettings settings =
        new EngineSettings(
            dir,
            dir.resolve("runs").resolve("store"),
            "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
            4,
            1 << 20,
            Duration.ofSeconds(1),
            SpecLimits.DEFAULT,
            Map.of("PATH", "/usr/bin:/bin"),
            Duration.ZERO);
    engine =
        new Engine(store, supervisor, EngineClock.system(), settings, broadcaster, fatal::complete);
    engine.start();
    engine.open();
    if (!engine.awaitReady(Duration.ofSeconds(30))) {
      throw new IllegalStateException("the engine did not start");
    }
  }

  /** Waits for the run's terminal event and returns every event of the run seen so far. */
  List<Event> awaitEnd(String runId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<Event> run = seen.stream().filter(event -> event.getRunId().equals(runId)).toList();
      if (!run.isEmpty() && terminal(run.get(run.size() - 1))) {
        return run;
      }
      Event next = events.poll();
      if (next != null) {
        seen.add(next);
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !published.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        throw new AssertionError("run " + runId + " did not end within 30 s; its events: " + run);
      }
    }
  }

  private static boolean terminal(Event event) {
    return switch (event.getPayloadCase()) {
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> true;
      default -> false;
    };
  }

  @Override
  public void close() {
    engine.close();
    broadcaster.close();
    supervisor.close();
    store.close();
  }
}
