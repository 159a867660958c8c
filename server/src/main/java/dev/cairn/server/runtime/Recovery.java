package dev.cairn.server.runtime;

import dev.cairn.server.engine.AttemptRecord;
import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.Decision;
import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Evolver;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.StepState;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.process.Launched;
import dev.cairn.server.process.ProcTable;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Rebuilds live state from the log at start. Every attempt recorded as started and not finished is
 * killed (its group, after checking the pid is still that process, then a marker sweep) and
 * recorded as LOST, so its retry policy decides what comes next. Retry timers are re-armed.
 */
final class Recovery {
  private static final Logger LOG = Logger.getLogger(Recovery.class);

  private final EventStore store;
  private final AttemptRunner runner;
  private final EngineSettings settings;
  private final EngineClock clock;
  private final ProcTable procTable = new ProcTable();

  Recovery(EventStore store, AttemptRunner runner, EngineSettings settings, EngineClock clock) {
    this.store = store;
    this.runner = runner;
    this.settings = settings;
    this.clock = clock;
  }

  void run(
      Map<String, RunState> live,
      Consumer<List<Event>> decided,
      BiConsumer<Instant, Input> schedule) {
    long began = System.nanoTime();
    long readNanos = 0;
    long replayNanos = 0;
    long killNanos = 0;
    int events = 0;
    int runs = 0;
    int lost = 0;
    for (String runId : store.unfinishedRunIds()) {
      long readBegan = System.nanoTime();
      List<Event> log = store.readRun(runId, 0, Integer.MAX_VALUE);
      long replayBegan = System.nanoTime();
      readNanos += replayBegan - readBegan;
      RunState state = Evolver.replay(log);
      events += log.size();
      replayNanos += System.nanoTime() - replayBegan;
      if (state == null || state.isTerminal()) {
        continue;
      }
      runs++;
      for (StepState step : state.steps()) {
        if (step.isRunning()) {
          long killBegan = System.nanoTime();
          AttemptRecord attempt = step.lastAttempt();
          String marker = settings.marker(runId, step.id(), attempt.number());
          if (procTable.sameProcess(attempt.pid(), attempt.startTicks())) {
            runner.kill(new Launched(attempt.pid(), attempt.pid(), attempt.startTicks()), marker);
          }
          Decision decision =
              Decider.decide(
                  runId,
                  state,
                  new Trigger.AttemptLost(
                      step.id(),
                      attempt.number(),
                      "the server stopped while the attempt ran; its processes were killed"),
                  clock.now());
          killNanos += System.nanoTime() - killBegan;
          decided.accept(decision.events());
          state = decision.state();
          lost++;
        } else if (step.status() == StepStatus.STEP_STATUS_RETRY_WAIT) {
          schedule.accept(step.nextAttemptTime(), new Input.RetryDue(runId));
        }
      }
      if (!state.isTerminal()) {
        live.put(runId, state);
        // The run's deadline is in the log: its timer is armed again, and fires at once if the
        // deadline passed while the server was down.
        if (state.info().deadline() != null && !state.halted()) {
          schedule.accept(
              state.info().deadline(), new Input.Fire(runId, new Trigger.RunTimeoutDue()));
        }
      }
    }
    // Anything of this store still alive now was started by a previous life of the server and is
    // accounted for by no running attempt: a start that never committed, or a child that escaped.
    long sweepBegan = System.nanoTime();
    int swept = runner.sweep(settings.markerPrefix());
    long sweepNanos = System.nanoTime() - sweepBegan;
    LOG.infof(
        "recovered %d unfinished runs in %d ms: %d attempts recorded as LOST, %d stray processes"
            + " killed",
        runs, millis(System.nanoTime() - began), lost, swept);
    // Where the recovery time went, for work on start time.
    LOG.debugf(
        "recovery: read %d events in %d ms, replayed them in %d ms, checked and killed %d"
            + " attempts in %d ms, swept /proc in %d ms",
        events,
        millis(readNanos),
        millis(replayNanos),
        lost,
        millis(killNanos),
        millis(sweepNanos));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
