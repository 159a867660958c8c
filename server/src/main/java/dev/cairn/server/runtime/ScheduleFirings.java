package dev.cairn.server.runtime;

import dev.cairn.server.engine.Times;
import dev.cairn.server.schedule.Firing;
import dev.cairn.server.schedule.FiringPlan;
import dev.cairn.server.schedule.ScheduleState;
import dev.cairn.v1.NotRunReason;
import dev.cairn.v1.ScheduleFired;
import dev.cairn.v1.ScheduleFiringBuffered;
import dev.cairn.v1.ScheduleFiringsNotRun;
import dev.cairn.workflow.spec.InvalidSpecException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fires what is due of one schedule at a time: asks {@link FiringPlan} what the nominal times that
 * came since the schedule last looked become, and carries it out through the engine's normal submit
 * and cancel paths, recording each outcome as a schedule event.
 *
 * <p>A run is submitted with the request id {@link Firing#requestId} names, before its
 * ScheduleFired is recorded. A crash between the two leaves the schedule to fire that time again
 * after the restart: the same request id returns the run the first submit made (a time still inside
 * the catch-up window), or the run is found by it (an older one), so it is recorded once and never
 * run twice. Consecutive times that start no run for the same reason are recorded as one range.
 */
final class ScheduleFirings {
  /** How long a firing waits for the engine to make a submit or a cancel durable. */
  static final Duration ENGINE_WAIT = Duration.ofSeconds(30);

  /**
   * How late a firing still counts as on time whatever the catch-up window: the timer wakes a
   * moment after the nominal time, and with a window of zero every firing would be "missed" by that
   * moment.
   */
  static final Duration ON_TIME = Duration.ofSeconds(1);

  /** At most this many plans per schedule per pass, so that one schedule cannot hold the rest. */
  private static final int MAX_ROUNDS = 20;

  private final ScheduleBook book;
  private final ScheduleRuns runs;

  ScheduleFirings(ScheduleBook book, ScheduleRuns runs) {
    this.book = book;
    this.runs = runs;
  }

  /** Fires what is due of the schedule at {@code now}; returns its state after. */
  ScheduleState fireDue(ScheduleState start, Instant now) {
    String id = start.id();
    ScheduleState state = start;
    book.refreshOpen(id, runs);
    Set<String> open = book.open(id);
    if (state.buffered().isPresent() && open.isEmpty()) {
      Instant waiting = state.buffered().get();
      state = submit(state, waiting, Firing.requestId(id, waiting), "");
    }
    for (int round = 0; round < MAX_ROUNDS; round++) {
      List<Firing> firings =
          FiringPlan.due(
              new FiringPlan.State(
                  id,
                  state.cron(),
                  state.overlap(),
                  state.catchUpWindow().plus(ON_TIME),
                  state.after(),
                  !open.isEmpty(),
                  state.buffered().isPresent()),
              now);
      state = carryOut(state, firings);
      if (firings.size() < FiringPlan.MAX_FIRINGS) {
        break;
      }
    }
    return state;
  }

  private ScheduleState carryOut(ScheduleState start, List<Firing> firings) {
    ScheduleState state = start;
    Range range = null;
    // Only the times right after the last one recorded can have a run whose record a crash lost.
    boolean mayHaveRun = true;
    for (Firing firing : firings) {
      if (firing.outcome() == Firing.Outcome.MISSED && mayHaveRun) {
        var earlier = runs.runForRequest(firing.requestId());
        if (earlier.isPresent()) {
          state = flush(state, range);
          range = null;
          state = fired(state, firing.nominal(), earlier.get(), "");
          continue;
        }
        mayHaveRun = false;
      }
      NotRunReason reason =
          switch (firing.outcome()) {
            case MISSED -> NotRunReason.NOT_RUN_REASON_MISSED;
            case SKIPPED_OVERLAP -> NotRunReason.NOT_RUN_REASON_OVERLAP;
            default -> null;
          };
      if (reason != null) {
        if (range != null && range.reason() != reason) {
          state = flush(state, range);
          range = null;
        }
        range = range == null ? Range.of(reason, firing.nominal()) : range.plus(firing.nominal());
        continue;
      }
      state = flush(state, range);
      range = null;
      state =
          switch (firing.outcome()) {
            case START -> submit(state, firing.nominal(), firing.requestId(), "");
            case CANCEL_PREVIOUS_AND_START ->
                submit(
                    state,
                    firing.nominal(),
                    firing.requestId(),
                    cancelOpen(state, firing.nominal()));
            case BUFFERED ->
                book.append(
                    state.id(),
                    state,
                    event ->
                        event.setScheduleFiringBuffered(
                            ScheduleFiringBuffered.newBuilder()
                                .setNominalTime(Times.timestamp(firing.nominal()))));
            default -> throw new IllegalStateException("unexpected outcome " + firing.outcome());
          };
    }
    return flush(state, range);
  }

  /** Cancels the schedule's open runs through the engine; returns the last one's id, or "". */
  private String cancelOpen(ScheduleState state, Instant nominal) {
    String last = "";
    for (String runId : List.copyOf(book.open(state.id()))) {
      await(
          runs.cancel(
              runId,
              "cancelled by schedule "
                  + state.id()
                  + ": the firing of "
                  + nominal
                  + " replaces it (overlap policy CANCEL_PREVIOUS)"));
      book.open(state.id()).remove(runId);
      last = runId;
    }
    return last;
  }

  /**
   * Submits the firing's run and records it. A submit the engine refuses (the spec no longer passes
   * this server's limits) is recorded as not run; an engine or store that cannot take it now is
   * thrown on, leaving the time to be fired again on the next pass.
   */
  ScheduleState submit(ScheduleState state, Instant nominal, String requestId, String cancelled) {
    Engine.Submitted submitted;
    try {
      submitted = await(runs.submit(state.definition(), requestId, nominal));
    } catch (InvalidSpecException | IllegalArgumentException | RequestIdReusedException refused) {
      return book.append(
          state.id(),
          state,
          event ->
              event.setScheduleFiringsNotRun(
                  Range.of(NotRunReason.NOT_RUN_REASON_SUBMIT_FAILED, nominal)
                      .toProto()
                      .setMessage(String.valueOf(refused.getMessage()))));
    }
    return fired(state, nominal, submitted.runId(), cancelled);
  }

  private ScheduleState fired(
      ScheduleState state, Instant nominal, String runId, String cancelled) {
    book.open(state.id()).add(runId);
    return book.append(
        state.id(),
        state,
        event ->
            event.setScheduleFired(
                ScheduleFired.newBuilder()
                    .setNominalTime(Times.timestamp(nominal))
                    .setRunId(runId)
                    .setCancelledRunId(cancelled)));
  }

  private ScheduleState flush(ScheduleState state, Range range) {
    if (range == null) {
      return state;
    }
    return book.append(state.id(), state, event -> event.setScheduleFiringsNotRun(range.toProto()));
  }

  /** Waits for the engine on this (the scheduler's) thread; its failure is thrown as it is. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(ENGINE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new EngineBusyException(
          "the engine did not take a schedule's run within "
              + ENGINE_WAIT.toSeconds()
              + " s; it is fired again on the next pass");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineStoppedException();
    }
  }

  /** Consecutive nominal times that start no run for one reason. */
  private record Range(NotRunReason reason, Instant first, Instant last, int count) {
    static Range of(NotRunReason reason, Instant nominal) {
      return new Range(reason, nominal, nominal, 1);
    }

    Range plus(Instant nominal) {
      return new Range(reason, first, nominal, count + 1);
    }

    ScheduleFiringsNotRun.Builder toProto() {
      return ScheduleFiringsNotRun.newBuilder()
          .setReason(reason)
          .setFirstNominalTime(Times.timestamp(first))
          .setLastNominalTime(Times.timestamp(last))
          .setCount(count);
    }
  }
}
