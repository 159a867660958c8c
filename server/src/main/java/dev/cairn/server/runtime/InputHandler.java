package dev.cairn.server.runtime;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.Decision;
import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Evolver;
import dev.cairn.server.engine.Reruns;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.Params;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one input into a decision of the core and holds its events for the group commit: a submit
 * (with request-id dedup), a cancel, a start, a spawn error, an exit or a timer, a Wakeup, a retry
 * falling due, the shutdown. The engine thread calls it for each input of a pass.
 */
final class InputHandler {
  private final EventStore store;
  private final EngineClock clock;
  private final LiveRuns live;
  private long liveSpecBudget = Runtime.getRuntime().maxMemory() / 4;
  private final AttemptTable attempts;
  private final GroupCommit commit;
  private final Effects effects;
  private final RunIsolation isolation;
  private final Inbox inbox;
  private final Optional<InjectedFault> injectedFault = InjectedFault.fromSystemProperty();
  private final NodeFence fence;
  private OwnershipInputs ownership;
  private boolean shuttingDown;

  InputHandler(
      EventStore store,
      EngineClock clock,
      LiveRuns live,
      AttemptTable attempts,
      GroupCommit commit,
      Effects effects,
      RunIsolation isolation,
      Inbox inbox,
      NodeFence fence) {
    this.fence = fence;
    this.store = store;
    this.clock = clock;
    this.live = live;
    this.attempts = attempts;
    this.commit = commit;
    this.effects = effects;
    this.isolation = isolation;
    this.inbox = inbox;
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  /** Set once, before the engine thread starts, on a node of a cluster. */
  void handleOwnership(OwnershipInputs ownership) {
    this.ownership = ownership;
  }

  void handle(Input input) {
    Instant now = clock.now();
    if (input instanceof Input.Shutdown) {
      beginShutdown();
    } else if (input instanceof Input.Submit submit) {
      submit(submit, now);
    } else if (input instanceof Input.Rerun rerun) {
      rerun(rerun, now);
    } else if (input instanceof Input.Cancel cancel) {
      cancel(cancel, now);
    } else if (input instanceof Input.Fire fire) {
      fire(fire, now);
    } else if (input instanceof Input.Wakeup) {
      wakeUp(now);
    } else if (input instanceof Input.Adopt adopt) {
      if (ownership != null && !shuttingDown) {
        ownership.adopt(adopt);
      }
    } else if (input instanceof Input.Drop drop) {
      if (ownership != null) {
        ownership.drop(drop);
      }
    } else if (input instanceof Input.RetryDue due) {
      live.markSchedulable(due.runId());
      // A timer may fire a little before the clock reaches the due time (the wall clock can be
      // slewed): ask again then, or the retry would wait for some other input of its run.
      RunState state = live.get(due.runId());
      Instant next = state == null ? null : Scheduler.nextDue(state);
      if (next != null && next.isAfter(now)) {
        effects.schedule(next, due);
      }
    }
  }

  private void submit(Input.Submit submit, Instant now) {
    if (fence.fenced()) {
      submit.future().completeExceptionally(FencedRefusal.create());
      return;
    }
    String duplicate = commit.earlierRun(submit.requestId());
    if (duplicate != null) {
      // Answered after this pass's commit, like the submit it repeats, which may be in it.
      if (sameSubmit(submit.submit(), duplicate)) {
        commit.ack(
            () -> submit.future().complete(new Engine.Submitted(duplicate, true)), submit.future());
      } else {
        RequestIdReusedException reused =
            new RequestIdReusedException(submit.requestId(), duplicate);
        commit.ack(() -> submit.future().completeExceptionally(reused), submit.future());
      }
      return;
    }
    if (overBudget(submit.submit().spec(), submit.future())) {
      return;
    }
    String runId = RunIds.next(now);
    Decision decision = Decider.decide(runId, null, submit.submit(), now);
    commit.apply(runId, decision);
    commit.claimRequest(submit.requestId(), runId);
    commit.ack(() -> submit.future().complete(new Engine.Submitted(runId, false)), submit.future());
  }

  /**
   * Refuses (fails the future) a new run whose spec would take the live runs' specs past the
   * budget: they stay in memory until the runs end, and a heap they fill stops the whole server.
   */
  private boolean overBudget(WorkflowSpec spec, CompletableFuture<?> future) {
    long size = LiveRuns.memoryOf(spec);
    if (live.memoryBytes() + size <= liveSpecBudget) {
      return false;
    }
    future.completeExceptionally(
        new LiveRunsOverBudgetException(live.memoryBytes(), size, liveSpecBudget));
    return true;
  }

  /**
   * Sets the most spec bytes the live runs may hold together (by default a quarter of the heap).
   */
  void limitLiveSpecBytes(long budget) {
    this.liveSpecBudget = budget;
  }

  /**
   * A rerun: the finished run is read from the log and planned by the core ({@link Reruns}); the
   * new run's RunSubmitted records the steps it carries over. A problem with the request fails only
   * its future.
   */
  private void rerun(Input.Rerun rerun, Instant now) {
    if (fence.fenced()) {
      rerun.future().completeExceptionally(FencedRefusal.create());
      return;
    }
    String duplicate = commit.earlierRun(rerun.requestId());
    if (duplicate != null) {
      commit.ack(
          () -> rerun.future().complete(new Engine.Rerunning(duplicate, true, List.of())),
          rerun.future());
      return;
    }
    Trigger.Submit submit;
    Reruns.Plan plan;
    try {
      if (live.get(rerun.runId()) != null) {
        throw new RunNotFinishedException(rerun.runId());
      }
      RunState original = Evolver.replay(store.readRun(rerun.runId(), 0, Integer.MAX_VALUE));
      if (original == null) {
        // A removed run is said to be removed, with when, as a status of it is.
        throw RunQueries.notFound(store, rerun.runId());
      }
      if (!original.isTerminal()) {
        throw new RunNotFinishedException(rerun.runId());
      }
      plan = Reruns.plan(original, rerun.steps());
      WorkflowSpec spec = original.plan().spec();
      Map<String, String> given = new TreeMap<>(original.info().params());
      given.putAll(rerun.params());
      submit =
          new Trigger.Submit(
              spec,
              rerun.requestId(),
              rerun.principal(),
              Params.resolve(spec, given),
              original.info().labels(),
              original.runId(),
              plan.carried());
    } catch (RuntimeException e) {
      rerun.future().completeExceptionally(e);
      return;
    }
    if (overBudget(submit.spec(), rerun.future())) {
      return;
    }
    String runId = RunIds.next(now);
    Decision decision = Decider.decide(runId, null, submit, now);
    commit.apply(runId, decision);
    commit.claimRequest(rerun.requestId(), runId);
    List<String> steps = plan.rerun();
    commit.ack(
        () -> rerun.future().complete(new Engine.Rerunning(runId, false, steps)), rerun.future());
  }

  /**
   * Whether a submit repeats the one that created a run: the same spec, parameter values and
   * labels, read from the run's live state, else from its first event.
   */
  private boolean sameSubmit(Trigger.Submit submit, String runId) {
    RunState state = live.get(runId);
    if (state != null) {
      return submit.spec().equals(state.plan().spec())
          && submit.params().equals(state.info().params())
          && submit.labels().equals(state.info().labels())
          && state.info().rerunOf().isEmpty();
    }
    List<Event> first = store.readRun(runId, 0, 1);
    if (first.isEmpty()) {
      return false;
    }
    var earlier = first.get(0).getRunSubmitted();
    return submit.spec().equals(earlier.getSpec())
        && submit.params().equals(earlier.getParamsMap())
        && submit.labels().equals(earlier.getLabelsMap())
        && earlier.getRerunOf().isEmpty();
  }

  private void cancel(Input.Cancel cancel, Instant now) {
    RunState state = live.get(cancel.runId());
    if (state == null) {
      // Not live: either finished (answer its status), removed or unknown.
      Optional<RunStatus> status = store.findRun(cancel.runId()).map(RunSummary::getStatus);
      if (status.isEmpty()) {
        cancel.future().completeExceptionally(RunQueries.notFound(store, cancel.runId()));
      } else {
        cancel.future().complete(status.get());
      }
      return;
    }
    Decision decision =
        decide(cancel.runId(), state, new Trigger.Cancel(cancel.reason(), cancel.principal()), now);
    commit.apply(cancel.runId(), decision);
    RunStatus status = decision.state().status();
    commit.ack(() -> cancel.future().complete(status), cancel.future());
  }

  private void fire(Input.Fire fire, Instant now) {
    String runId = fire.runId();
    // Whatever it is, it may free a slot of the run or make a step ready.
    live.markSchedulable(runId);
    Trigger trigger = fire.trigger();
    if (trigger instanceof Trigger.AttemptStarted started) {
      attempts.launched(runId, started.stepId());
      attempts.started(runId, started);
      RunState state = live.get(runId);
      if (state == null) {
        // The run was dropped while this attempt was being launched: it is no longer this node's.
        attempts.kill(new AttemptKey(runId, started.stepId(), started.attempt()));
        return;
      }
      if (state != null) {
        injectedFault.ifPresent(fault -> fault.check(state));
      }
      // The core says whether the start is wanted, and whether it must be stopped at once.
      Decision decision = decide(runId, state, started, now);
      commit.apply(runId, decision);
      effects.ofDecision(runId, decision.effects());
      return;
    }
    if (trigger instanceof Trigger.AttemptSpawnFailed failed) {
      attempts.spawnFailed(runId, failed);
    } else if (trigger instanceof Trigger.AttemptExited exited) {
      attempts.forget(new AttemptKey(runId, exited.stepId(), exited.attempt()));
    }
    RunState state = live.get(runId);
    if (state != null) {
      Decision decision = decide(runId, state, trigger, now);
      commit.apply(runId, decision);
      // A timer may fire a little before the clock reaches the deadline: ask again then.
      Instant deadline = state.info().deadline();
      if (trigger instanceof Trigger.RunTimeoutDue
          && decision.events().isEmpty()
          && !state.halted()
          && deadline != null
          && deadline.isAfter(now)) {
        effects.schedule(deadline, fire);
      }
    }
  }

  /**
   * The engine starts, or retries after a full disk: the pass after it looks at every run, and a
   * stopping run settles the steps whose launch a crash or a failed commit took away. A disk still
   * full fails this pass's commit and sets the flag again.
   */
  private void wakeUp(Instant now) {
    commit.clearStoreFull();
    live.markAllSchedulable();
    for (Map.Entry<String, RunState> entry : live.snapshot()) {
      if (entry.getValue().stopping()) {
        try {
          commit.apply(
              entry.getKey(), decide(entry.getKey(), entry.getValue(), new Trigger.Resume(), now));
        } catch (RuntimeException e) {
          isolation.setAside(entry.getKey(), e);
        }
      }
    }
  }

  private Decision decide(String runId, RunState state, Trigger trigger, Instant now) {
    return Decider.decide(runId, state, trigger, now, attempts.launchingSteps(runId), shuttingDown);
  }

  /**
   * Graceful shutdown: no new attempt starts, every running attempt is stopped (SIGTERM to its
   * group, the grace period, SIGKILL), and each is recorded as interrupted once its group is gone,
   * so the next start attempts it again.
   */
  private void beginShutdown() {
    shuttingDown = true;
    attempts.stopAll();
    if (attempts.idle()) {
      inbox.stopRunning();
    }
  }
}
