package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Times;
import dev.cairn.server.schedule.ScheduleEvolver;
import dev.cairn.server.schedule.ScheduleState;
import dev.cairn.server.store.ScheduleLog;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreException;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.ScheduleEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Every schedule's state, folded from the schedule log, and the one way to change it: {@link
 * #append} records an event durably, then folds it in. Not thread-safe: {@link Schedules} holds its
 * lock around every use.
 *
 * <p>Beside the states it keeps, per schedule, the runs its firings started that may not have ended
 * (the overlap policy's "previous run"); they are found again at load from the recent runs and the
 * runs projection.
 */
final class ScheduleBook {
  private static final Logger LOG = Logger.getLogger(ScheduleBook.class);
  private static final int PAGE = 1000;

  private final ScheduleLog log;
  private final EngineClock clock;
  private final Map<String, ScheduleState> states = new TreeMap<>();
  private final Map<String, Set<String>> openRuns = new HashMap<>();

  ScheduleBook(ScheduleLog log, EngineClock clock) {
    this.log = log;
    this.clock = clock;
  }

  /** Replays every schedule from the log; the runs that may be live are asked of {@code runs}. */
  void load(ScheduleRuns runs) {
    states.clear();
    openRuns.clear();
    for (String id : log.scheduleIds()) {
      try {
        reload(id);
      } catch (StoreException e) {
        throw e;
      } catch (RuntimeException e) {
        // A stream this server cannot fold (written by a newer one, say) must not keep the server
        // from starting: the schedule is left out, said once, and its events are kept as they are.
        states.remove(id);
        LOG.errorf(
            "schedule %s is left out: its events cannot be read back: %s", id, e.getMessage());
        continue;
      }
      ScheduleState state = states.get(id);
      if (state == null || state.deleted()) {
        continue;
      }
      for (ScheduleState.StartedRun run : state.recentRuns()) {
        if (runs.status(run.runId()).map(ScheduleBook::live).orElse(false)) {
          open(id).add(run.runId());
        }
      }
    }
  }

  /** Reads one schedule's stream again: after another writer appended to it. */
  void reload(String id) {
    states.remove(id);
    catchUp(id);
  }

  /**
   * Folds in the events of the schedule that another server sharing the store appended since this
   * one last looked (none on a store of its own): one indexed read when there are none.
   */
  void catchUp(String id) {
    ScheduleState state = states.get(id);
    long after = state == null ? 0 : state.lastSeq();
    while (true) {
      List<ScheduleEvent> page = log.readSchedule(id, after, PAGE);
      for (ScheduleEvent event : page) {
        state = ScheduleEvolver.evolve(state, event);
      }
      if (page.size() < PAGE) {
        break;
      }
      after = page.get(page.size() - 1).getScheduleSeq();
    }
    if (state != null) {
      states.put(id, state);
    }
  }

  /** Finds schedules another server created since this one loaded. */
  void discover() {
    for (String id : log.scheduleIds()) {
      if (!states.containsKey(id)) {
        try {
          catchUp(id);
        } catch (StoreException e) {
          throw e;
        } catch (RuntimeException e) {
          // Left out, as at load (which said why).
          states.remove(id);
        }
      }
    }
  }

  Optional<ScheduleState> find(String id) {
    return Optional.ofNullable(states.get(id));
  }

  /** The schedule, unless it does not exist or was deleted. */
  ScheduleState existing(String id) {
    ScheduleState state = states.get(id);
    if (state == null || state.deleted()) {
      throw new ScheduleNotFoundException(id);
    }
    return state;
  }

  Collection<ScheduleState> all() {
    return new ArrayList<>(states.values());
  }

  /**
   * Records one event of the schedule (its next schedule_seq, now) and returns the state after it.
   * A conflict (another server appended first) reloads the schedule and is thrown on.
   *
   * @param state the schedule's current state, or null for a first creation
   */
  ScheduleState append(String id, ScheduleState state, Consumer<ScheduleEvent.Builder> payload) {
    ScheduleEvent.Builder builder =
        ScheduleEvent.newBuilder()
            .setScheduleId(id)
            .setScheduleSeq(state == null ? 1 : state.lastSeq() + 1)
            .setTime(Times.timestamp(clock.now()));
    payload.accept(builder);
    ScheduleEvent event = builder.build();
    try {
      log.appendSchedule(List.of(event));
    } catch (StoreConflictException conflict) {
      reload(id);
      throw conflict;
    }
    ScheduleState after = ScheduleEvolver.evolve(state, event);
    states.put(id, after);
    if (after.deleted()) {
      openRuns.remove(id);
    }
    return after;
  }

  /** The runs of the schedule that may not have ended, oldest first. */
  Set<String> open(String id) {
    return openRuns.computeIfAbsent(id, ignored -> new LinkedHashSet<>());
  }

  /** Forgets the open runs that have ended (or were removed). */
  void refreshOpen(String id, ScheduleRuns runs) {
    open(id).removeIf(runId -> !runs.status(runId).map(ScheduleBook::live).orElse(false));
  }

  static boolean live(RunStatus status) {
    return status == RunStatus.RUN_STATUS_RUNNING || status == RunStatus.RUN_STATUS_CANCELLING;
  }
}
