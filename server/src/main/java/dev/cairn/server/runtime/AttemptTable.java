package dev.cairn.server.runtime;

import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.process.Launched;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The attempts the engine launched and that have not exited: those being launched (a start or a
 * spawn error is on its way), those running, the stops already sent, and the markers of all of
 * them, which the stray sweep must leave alone. Owned by the engine thread; the counters and the
 * markers are read elsewhere.
 */
final class AttemptTable {
  private static final Logger LOG = Logger.getLogger(AttemptTable.class);

  private final EngineSettings settings;
  private final AttemptRunner runner;
  private final Runnable onForget;
  private final Map<AttemptKey, Launched> processes = new HashMap<>();
  private final Map<String, Set<String>> launching = new HashMap<>();
  // When each launching attempt was asked for, for the spawn latency.
  private final Map<AttemptKey, Long> launchTimes = new HashMap<>();
  private EngineObserver observer = EngineObserver.NONE;
  private final Set<AttemptKey> stopsSent = new HashSet<>();
  private final Set<String> liveMarkers = ConcurrentHashMap.newKeySet();
  private final AtomicLong attemptsStarted = new AtomicLong();
  private volatile int runningAttempts;

  /**
   * @param onForget called when an attempt's group is gone, so that its escaped children, if any,
   *     are swept
   */
  void observe(EngineObserver observer) {
    this.observer = observer;
  }

  AttemptTable(EngineSettings settings, AttemptRunner runner, Runnable onForget) {
    this.settings = settings;
    this.runner = runner;
    this.onForget = onForget;
  }

  /**
   * Hands an attempt to the runner and returns at once, so the engine thread never waits for an
   * exec: the step holds its slot while it is launching, and the start (or the spawn error) comes
   * back through {@code events}.
   */
  void launch(RunState state, Scheduler.Start start, AttemptEvents events) {
    String runId = state.runId();
    String marker = settings.marker(runId, start.stepId(), start.attempt());
    // Registered before the process exists, so the stray sweep never mistakes it for a leftover.
    liveMarkers.add(marker);
    try {
      runner.launch(state, start, events);
    } catch (RuntimeException e) {
      launchRefused(runId, start, e, events);
    }
    launching.computeIfAbsent(runId, id -> new HashSet<>()).add(start.stepId());
    launchTimes.put(new AttemptKey(runId, start.stepId(), start.attempt()), System.nanoTime());
    runningAttempts++;
    attemptsStarted.incrementAndGet();
  }

  /**
   * Whatever refused a launch (a request the launcher rejects, a closed supervisor), it is the
   * attempt's spawn error: the step fails by its policies and the engine goes on. Also for a runner
   * that launches on a thread of its own, where the refusal cannot reach {@link #launch}.
   */
  static void launchRefused(
      String runId, Scheduler.Start start, RuntimeException e, AttemptEvents events) {
    String message = "cannot launch: " + (e.getMessage() != null ? e.getMessage() : e.toString());
    LOG.errorf(
        e, "run %s, step %s, attempt %d: %s", runId, start.stepId(), start.attempt(), message);
    events.spawnFailed(
        runId, new Trigger.AttemptSpawnFailed(start.stepId(), start.attempt(), message));
  }

  /** The run's steps whose attempt is being launched: started, perhaps, but not yet recorded. */
  Set<String> launchingSteps(String runId) {
    return launching.getOrDefault(runId, Set.of());
  }

  /** A launch finished: true if it was one this engine was waiting for. */
  boolean launched(String runId, String stepId) {
    Set<String> steps = launching.get(runId);
    if (steps == null || !steps.remove(stepId)) {
      return false;
    }
    if (steps.isEmpty()) {
      launching.remove(runId);
    }
    return true;
  }

  /** The attempt started: its process is the engine's to stop or kill from now on. */
  Launched started(String runId, Trigger.AttemptStarted started) {
    Launched process = new Launched(started.pid(), started.pgid(), started.startTicks());
    AttemptKey key = new AttemptKey(runId, started.stepId(), started.attempt());
    processes.put(key, process);
    Long asked = launchTimes.remove(key);
    if (asked != null) {
      observer.spawned(System.nanoTime() - asked);
    }
    return process;
  }

  /** A launch the engine waited for ended in a spawn error: its slot is free again. */
  void spawnFailed(String runId, Trigger.AttemptSpawnFailed failed) {
    launchTimes.remove(new AttemptKey(runId, failed.stepId(), failed.attempt()));
    if (launched(runId, failed.stepId())) {
      runningAttempts--;
      liveMarkers.remove(settings.marker(runId, failed.stepId(), failed.attempt()));
    }
  }

  /** Drops the bookkeeping of an attempt whose process group is gone. */
  void forget(AttemptKey key) {
    if (processes.remove(key) != null) {
      runningAttempts--;
    }
    stopsSent.remove(key);
    liveMarkers.remove(marker(key));
    onForget.run();
  }

  /** Stops the attempt's process, once; an attempt with no process yet is left alone. */
  void stop(AttemptKey key) {
    Launched process = processes.get(key);
    if (process != null && stopsSent.add(key)) {
      runner.stop(process, marker(key));
    }
  }

  /** Kills the attempt's process at once: no step wants it, or its start was never recorded. */
  void kill(AttemptKey key) {
    Launched process = processes.get(key);
    if (process != null) {
      runner.kill(process, marker(key));
    }
  }

  /** Stops every running attempt, once each: the server shuts down. */
  void stopAll() {
    for (AttemptKey key : List.copyOf(processes.keySet())) {
      stop(key);
    }
  }

  /** The running attempts of one run. */
  List<AttemptKey> ofRun(String runId) {
    List<AttemptKey> keys = new ArrayList<>();
    for (AttemptKey key : processes.keySet()) {
      if (key.runId().equals(runId)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * Kills and forgets every process whose start {@code recorded} does not vouch for: after a failed
   * commit, so no process runs unaccounted for.
   */
  void killUnrecorded(Predicate<AttemptKey> recorded) {
    processes
        .entrySet()
        .removeIf(
            entry -> {
              AttemptKey key = entry.getKey();
              if (recorded.test(key)) {
                return false;
              }
              runner.kill(entry.getValue(), marker(key));
              liveMarkers.remove(marker(key));
              stopsSent.remove(key);
              return true;
            });
    runningAttempts = processes.size() + launching.values().stream().mapToInt(Set::size).sum();
  }

  /** Kills every process still running: the engine closes and cannot wait any longer. */
  void killAll() {
    for (Map.Entry<AttemptKey, Launched> entry : processes.entrySet()) {
      runner.kill(entry.getValue(), marker(entry.getKey()));
    }
  }

  /** Whether nothing runs and nothing is being launched. */
  boolean idle() {
    return processes.isEmpty() && launching.isEmpty();
  }

  int running() {
    return runningAttempts;
  }

  long started() {
    return attemptsStarted.get();
  }

  /** The markers of every attempt launched and not yet gone; any thread may read them. */
  Set<String> liveMarkers() {
    return liveMarkers;
  }

  private String marker(AttemptKey key) {
    return settings.marker(key.runId(), key.stepId(), key.attempt());
  }
}
