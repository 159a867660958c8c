package dev.cairn.server.runtime;

import dev.cairn.server.engine.AttemptRecord;
import dev.cairn.server.engine.Evolver;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.RunView;
import dev.cairn.server.engine.StepState;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.v1.Event;
import dev.cairn.v1.Run;
import java.util.List;

/** Answers reads by folding the stored events, so every answer is exactly what the log says. */
public final class RunQueries {
  private final EventStore store;
  private final FinishedRuns finished = new FinishedRuns(Runtime.getRuntime().maxMemory() / 16);

  public RunQueries(EventStore store) {
    this.store = store;
  }

  /** Folds a run from its events. */
  public RunState state(String runId) {
    return fold(runId, store.readRun(runId, 0, Integer.MAX_VALUE));
  }

  /**
   * The run as of now: folded from all its events when {@code known} is null, else {@code known}
   * moved on by the events after it, so a run that has not moved costs one indexed read that finds
   * nothing.
   */
  public RunState latest(String runId, RunState known) {
    return known == null ? state(runId) : advance(known);
  }

  /** {@code state} moved on by the run's events after it. */
  public RunState advance(RunState state) {
    RunState now = state;
    for (Event event : store.readRun(state.runId(), state.lastSeq(), Integer.MAX_VALUE)) {
      now = Evolver.evolve(now, event);
    }
    return now;
  }

  /**
   * The run as the API shows it, with the cancel's reason and principal when one was requested. A
   * run that has ended is folded once and kept ({@link FinishedRuns}) while the store holds it.
   */
  public Run get(String runId) {
    Run ended = finished.get(runId);
    if (ended != null) {
      if (store.findRun(runId).isPresent()) {
        return withReruns(ended);
      }
      finished.remove(runId);
    }
    List<Event> events = store.readRun(runId, 0, Integer.MAX_VALUE);
    RunState state = fold(runId, events);
    Run.Builder run = RunView.of(state).toBuilder();
    outputSoFar(state, run);
    for (Event event : events) {
      if (event.hasRunCancelRequested()) {
        run.setCancelReason(event.getRunCancelRequested().getReason())
            .setCancelPrincipal(event.getRunCancelRequested().getPrincipal());
        break;
      }
    }
    Run view = run.build();
    if (state.isTerminal()) {
      finished.put(runId, view);
    }
    return withReruns(view);
  }

  /** The runs made as reruns of this one, read now: a rerun may be made after the run ended. */
  private Run withReruns(Run run) {
    List<String> reruns = store.rerunsOf(run.getRunId());
    return reruns.isEmpty() ? run : run.toBuilder().addAllRerunRunIds(reruns).build();
  }

  /**
   * A running attempt's output so far: the size of its file now, where its end event will record
   * the final size. One stat per running attempt of the run; an attempt that runs on another node
   * has no file here and shows 0 until it ends.
   */
  private static void outputSoFar(RunState state, Run.Builder run) {
    for (int position = 0; position < state.stepCount(); position++) {
      List<AttemptRecord> attempts = state.step(position).attempts();
      for (int index = 0; index < attempts.size(); index++) {
        AttemptRecord attempt = attempts.get(index);
        if (!attempt.finished()) {
          run.getStepsBuilder(position)
              .getAttemptsBuilder(index)
              .setOutputBytes(outputWritten(attempt));
        }
      }
    }
  }

  /**
   * The size of the attempt's output file on this node now: 0 when it has none or nothing was
   * written (the file is made at the first byte).
   */
  static long outputWritten(AttemptRecord attempt) {
    return attempt.outputPath() == null || attempt.outputPath().isEmpty()
        ? 0
        : new java.io.File(attempt.outputPath()).length();
  }

  private RunState fold(String runId, List<Event> events) {
    RunState state = Evolver.replay(events);
    if (state == null) {
      throw notFound(store, runId);
    }
    return state;
  }

  /** What to say of a run the store does not hold: removed (with its tombstone), or unknown. */
  static RuntimeException notFound(EventStore store, String runId) {
    return store
        .findRemovedRun(runId)
        .<RuntimeException>map(RunRemovedException::new)
        .orElseGet(() -> new RunNotFoundException(runId));
  }

  /** A page of runs with their labels and rerun links, filtered by labels when asked. */
  public RunPage list(RunQuery query) {
    return new RunListing(store).list(query);
  }

  /**
   * An attempt of a step (0 = the latest); an {@link AttemptNotFoundException} for a step or
   * attempt the run does not have, an IllegalArgumentException for one with no output here.
   */
  public static AttemptRecord attempt(RunState state, String stepId, int attempt) {
    StepState step = state.step(stepId);
    if (step == null) {
      throw new AttemptNotFoundException(
          "run " + state.runId() + " has no step '" + stepId + "'", "step_id");
    }
    if (!step.carriedFrom().isEmpty()) {
      // The rerun kept the step's result; its output files belong to the run that produced it.
      throw new IllegalArgumentException(
          "step '"
              + stepId
              + "' was kept from run "
              + step.carriedFrom()
              + "; its output is there: cairn logs "
              + step.carriedFrom()
              + " "
              + stepId);
    }
    if (step.attempts().isEmpty()) {
      if (step.isTerminal()) {
        throw new IllegalArgumentException(
            "step '"
                + stepId
                + "' did not run (it ended "
                + step.status().name().substring("STEP_STATUS_".length())
                + "); it has no output");
      }
      throw new IllegalArgumentException(
          "step '" + stepId + "' has not started yet; follow the stream to wait for it");
    }
    if (attempt == 0) {
      return step.lastAttempt();
    }
    for (AttemptRecord record : step.attempts()) {
      if (record.number() == attempt) {
        return record;
      }
    }
    throw new AttemptNotFoundException(
        "step '" + stepId + "' has no attempt " + Integer.toUnsignedString(attempt), "attempt");
  }

  /**
   * Whether an attempt (0 = the latest, so any) has not started yet and still may: the run and the
   * step have not ended, and the step has not made that attempt.
   */
  public static boolean mayStillStart(RunState state, String stepId, int attempt) {
    StepState step = state.step(stepId);
    if (step == null || !step.carriedFrom().isEmpty() || step.isTerminal() || state.isTerminal()) {
      return false;
    }
    AttemptRecord last = step.lastAttempt();
    return last == null || Integer.compareUnsigned(attempt, last.number()) > 0;
  }
}
