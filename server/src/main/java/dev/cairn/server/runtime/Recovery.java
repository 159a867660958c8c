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
import dev.cairn.server.store.RunOwnership;
import dev.cairn.v1.Event;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Rebuilds live state from the log at start. Every attempt recorded as started and not finished is
 * killed (its group, after checking the pid is still that process, then a marker sweep) and
 * recorded as LOST, so its retry policy decides what comes next. Retry timers are re-armed.
 *
 * <p>On a node of a cluster, recovery takes only the runs whose lease this node can take (its own
 * from an earlier boot, runs whose owner stopped renewing, runs never leased), and a takeover later
 * brings in one run the same way ({@link #recoverRun}). An attempt another node started ran on that
 * node's machine: there is no process here to look for, and that node stopped it before its lease
 * could run out (self-fencing) or died with it, so it is recorded LOST without a kill here.
 */
final class Recovery {
  private static final Logger LOG = Logger.getLogger(Recovery.class);

  private final EventStore store;
  private final AttemptRunner runner;
  private final EngineSettings settings;
  private final EngineClock clock;
  private final Optional<RunOwnership> ownership;
  private final ProcTable procTable = new ProcTable();

  Recovery(
      EventStore store,
      AttemptRunner runner,
      EngineSettings settings,
      EngineClock clock,
      Optional<RunOwnership> ownership) {
    this.store = store;
    this.runner = runner;
    this.settings = settings;
    this.clock = clock;
    this.ownership = ownership;
  }

  void run(
      Map<String, RunState> live,
      Consumer<List<Event>> decided,
      BiConsumer<Instant, Input> schedule) {
    long began = System.nanoTime();
    long readNanos = 0;
    long replayNanos = 0;
    int events = 0;
    int runs = 0;
    int lost = 0;
    int leasedElsewhere = 0;
    for (String runId : store.unfinishedRunIds()) {
      if (ownership.isPresent() && ownership.get().acquire(runId).isEmpty()) {
        // Another node holds a live lease of it, or it ended meanwhile.
        leasedElsewhere++;
        continue;
      }
      long readBegan = System.nanoTime();
      List<Event> log = store.readRun(runId, 0, Integer.MAX_VALUE);
      readNanos += System.nanoTime() - readBegan;
      events += log.size();
      long replayBegan = System.nanoTime();
      int found = recoverRun(runId, log, live, decided, schedule);
      replayNanos += System.nanoTime() - replayBegan;
      if (found >= 0) {
        runs++;
        lost += found;
      }
    }
    // Anything of this store still alive now was started by a previous life of the server and is
    // accounted for by no running attempt: a start that never committed, or a child that escaped.
    long sweepBegan = System.nanoTime();
    int swept = runner.sweep(settings.markerPrefix());
    long sweepNanos = System.nanoTime() - sweepBegan;
    LOG.infof(
        "recovered %d unfinished runs in %d ms: %d attempts recorded as LOST, %d stray processes"
            + " killed%s",
        runs,
        millis(System.nanoTime() - began),
        lost,
        swept,
        ownership.isPresent()
            ? ", " + leasedElsewhere + " runs left to the nodes that hold them"
            : "");
    // Where the recovery time went, for work on start time.
    LOG.debugf(
        "recovery: read %d events in %d ms, replayed and settled them in %d ms, swept /proc in %d"
            + " ms",
        events, millis(readNanos), millis(replayNanos), millis(sweepNanos));
  }

  /**
   * Recovers one run from its log: its running attempts are stopped (when they ran here) and
   * decided LOST, its timers armed again, and the run put in {@code live} unless that made it
   * terminal.
   *
   * @return how many attempts were recorded LOST, or -1 when the run was already finished
   */
  int recoverRun(
      String runId,
      List<Event> log,
      Map<String, RunState> live,
      Consumer<List<Event>> decided,
      BiConsumer<Instant, Input> schedule) {
    RunState state = Evolver.replay(log);
    if (state == null || state.isTerminal()) {
      return -1;
    }
    Map<String, StepStarted> starts = lastStarts(log);
    int lost = 0;
    for (StepState step : state.steps()) {
      if (step.isRunning()) {
        AttemptRecord attempt = step.lastAttempt();
        StepStarted started = starts.get(step.id());
        String message;
        long outputBytes = 0;
        if (ranHere(started)) {
          String marker =
              attempt.marker() == null || attempt.marker().isEmpty()
                  ? settings.marker(runId, step.id(), attempt.number())
                  : attempt.marker();
          if (procTable.sameProcess(attempt.pid(), attempt.startTicks())) {
            runner.kill(new Launched(attempt.pid(), attempt.pid(), attempt.startTicks()), marker);
          }
          message = "the server stopped while the attempt ran; its processes were killed";
          // What it wrote until then: a missing file (nothing written) is 0.
          outputBytes = RunQueries.outputWritten(attempt);
        } else {
          message =
              "the attempt ran on node "
                  + started.getNodeId()
                  + ", which no longer holds the run; that node stopped its processes before its"
                  + " lease ran out, or they died with it";
        }
        Decision decision =
            Decider.decide(
                runId,
                state,
                new Trigger.AttemptLost(step.id(), attempt.number(), message, outputBytes),
                clock.now());
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
    return lost;
  }

  /** Whether an attempt's processes ran on this machine: a single server's, or this node's. */
  private boolean ranHere(StepStarted started) {
    return started == null
        || started.getNodeId().isEmpty()
        || started.getNodeId().equals(settings.nodeId());
  }

  /** The last StepStarted of each step in the log. */
  private static Map<String, StepStarted> lastStarts(List<Event> log) {
    Map<String, StepStarted> starts = new HashMap<>();
    for (Event event : log) {
      if (event.hasStepStarted()) {
        starts.put(event.getStepStarted().getStepId(), event.getStepStarted());
      }
    }
    return starts;
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
