package dev.cairn.server.runtime;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.Times;
import dev.cairn.server.schedule.ScheduleDefinitions;
import dev.cairn.server.schedule.ScheduleState;
import dev.cairn.server.store.ScheduleLog;
import dev.cairn.v1.GetScheduleResponse;
import dev.cairn.v1.ListSchedulesResponse;
import dev.cairn.v1.ScheduleCreated;
import dev.cairn.v1.ScheduleDefinition;
import dev.cairn.v1.ScheduleDeleted;
import dev.cairn.v1.ScheduleFired;
import dev.cairn.v1.SchedulePaused;
import dev.cairn.v1.ScheduleResumed;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The schedules as the server sees them: the commands of the API (create, pause, resume, delete,
 * trigger), the reads (describe, list), and {@link #tick}, which the {@link ScheduleTimer} calls to
 * fire what is due. Every change is a schedule event, recorded before it takes effect; the state is
 * folded from those events ({@link ScheduleBook}), so a restart rebuilds it with {@link #load}.
 *
 * <p>One lock serializes everything: a command waits at most for a firing in progress. Callers are
 * the scheduler's own thread and the server's query workers, never the engine thread or an event
 * loop, because commands write to the store and a trigger waits for the engine.
 */
public final class Schedules {
  /** How far ahead the timer looks when no schedule is due sooner, so clock changes are seen. */
  static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);

  /** How often the timer looks for schedules another server sharing the store created. */
  static final Duration DISCOVERY = Duration.ofSeconds(10);

  /** How often schedules with a buffered firing look at whether the previous run has ended. */
  static final Duration BUFFER_POLL = Duration.ofSeconds(1);

  private final ScheduleBook book;
  private final ScheduleFirings firings;
  private final ScheduleRuns runs;
  private final ScheduleLog log;
  private final EngineClock clock;
  private volatile Runnable onChange = () -> {};
  private Instant discovered = Instant.MIN;

  public Schedules(ScheduleLog log, ScheduleRuns runs, EngineClock clock) {
    this.book = new ScheduleBook(log, clock);
    this.firings = new ScheduleFirings(book, runs);
    this.runs = runs;
    this.log = log;
    this.clock = clock;
  }

  /** Rebuilds every schedule from the log. */
  public synchronized void load() {
    book.load(runs);
  }

  /** Called after each change a command makes, so that the timer looks again. */
  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  /**
   * Validates and records a new schedule.
   *
   * @param windowSet whether the request set a catch-up window (else the default applies)
   */
  public GetScheduleResponse create(
      ScheduleDefinition requested, boolean windowSet, boolean paused, String principal) {
    ScheduleDefinition definition = ScheduleDefinitions.checked(requested, windowSet, clock.now());
    runs.check(definition);
    synchronized (this) {
      String id = definition.getScheduleId();
      book.catchUp(id);
      Optional<ScheduleState> current = book.find(id);
      if (current.isPresent() && !current.get().deleted()) {
        throw new ScheduleExistsException(id);
      }
      book.append(
          id,
          current.orElse(null),
          event ->
              event.setScheduleCreated(
                  ScheduleCreated.newBuilder()
                      .setDefinition(definition)
                      .setPrincipal(principal)
                      .setPaused(paused)));
    }
    onChange.run();
    return describe(requested.getScheduleId(), 0, 0);
  }

  /** Stops the schedule firing; nothing is recorded when it is paused already. */
  public GetScheduleResponse pause(String id, String note, String principal) {
    synchronized (this) {
      book.catchUp(id);
      ScheduleState state = book.existing(id);
      if (!state.paused()) {
        book.append(
            id,
            state,
            event ->
                event.setSchedulePaused(
                    SchedulePaused.newBuilder().setPrincipal(principal).setNote(note)));
      }
    }
    onChange.run();
    return describe(id, 0, 0);
  }

  /** Fires again from now on; nothing is recorded when it is not paused. */
  public GetScheduleResponse resume(String id, String principal) {
    synchronized (this) {
      book.catchUp(id);
      ScheduleState state = book.existing(id);
      if (state.paused()) {
        book.append(
            id,
            state,
            event ->
                event.setScheduleResumed(ScheduleResumed.newBuilder().setPrincipal(principal)));
      }
    }
    onChange.run();
    return describe(id, 0, 0);
  }

  /** Deletes the schedule; its runs are kept. A deleted one answers as deleted again. */
  public void delete(String id, String principal) {
    synchronized (this) {
      book.catchUp(id);
      ScheduleState state = book.find(id).orElseThrow(() -> new ScheduleNotFoundException(id));
      if (!state.deleted()) {
        book.append(
            id,
            state,
            event ->
                event.setScheduleDeleted(ScheduleDeleted.newBuilder().setPrincipal(principal)));
      }
    }
    onChange.run();
  }

  /** A run the schedule started now, and whether an earlier trigger with the same key made it. */
  public record Triggered(String runId, boolean existing, Instant nominal) {}

  /**
   * Starts a run of the schedule now, whatever its cron expression, pause or overlap policy say.
   * With a request id, a repeat returns the first trigger's run.
   */
  public synchronized Triggered trigger(String id, String requestId) {
    book.catchUp(id);
    ScheduleState state = book.existing(id);
    Instant now = clock.now().truncatedTo(ChronoUnit.MILLIS);
    String key =
        requestId.isEmpty()
            ? "schedule/" + id + "/manual/" + now
            : "schedule/" + id + "/manual/" + requestId;
    Engine.Submitted submitted = ScheduleFirings.await(runs.submit(state.definition(), key, now));
    if (!state.hasRun(submitted.runId())) {
      book.open(id).add(submitted.runId());
      book.append(
          id,
          state,
          event ->
              event.setScheduleFired(
                  ScheduleFired.newBuilder()
                      .setNominalTime(Times.timestamp(now))
                      .setRunId(submitted.runId())
                      .setManual(true)));
    }
    return new Triggered(submitted.runId(), submitted.existing(), now);
  }

  /** The schedule's state, next times, recent runs and recent times that started no run. */
  public synchronized GetScheduleResponse describe(String id, int nextCount, int recentCount) {
    book.catchUp(id);
    return ScheduleViews.describe(
        book.existing(id), clock.now(), nextCount, recentCount, book.open(id), runs);
  }

  /** One page of schedules by id, deleted ones left out. */
  public synchronized ListSchedulesResponse list(int pageSize, String pageToken) {
    book.discover();
    book.all().forEach(state -> book.catchUp(state.id()));
    return ScheduleViews.list(book.all(), pageSize, pageToken, clock.now());
  }

  /**
   * Fires what is due of every active schedule at the clock's now, and returns when the timer
   * should look again. A schedule whose firing fails (the engine or the store cannot take it now)
   * is left as it is, to be fired on a later pass; the others go on.
   */
  public synchronized Instant tick() {
    Instant now = clock.now();
    if (!log.leadsFiring()) {
      // Another server sharing the store fires them; this one asks again in a while, and takes
      // over (catching up within the window) once that server is gone.
      return now.plus(DISCOVERY);
    }
    if (!now.isBefore(discovered.plus(DISCOVERY))) {
      book.discover();
      discovered = now;
    }
    RuntimeException failed = null;
    for (ScheduleState known : book.all()) {
      try {
        book.catchUp(known.id());
        ScheduleState state = book.find(known.id()).orElseThrow();
        if (!state.active()) {
          continue;
        }
        firings.fireDue(state, now);
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
    return nextWake(now);
  }

  private Instant nextWake(Instant now) {
    Instant wake = now.plus(LONGEST_SLEEP);
    for (ScheduleState state : book.all()) {
      if (!state.active()) {
        continue;
      }
      if (state.buffered().isPresent()) {
        Instant poll = now.plus(BUFFER_POLL);
        wake = poll.isBefore(wake) ? poll : wake;
      }
      Optional<Instant> next = state.cron().next(state.after());
      if (next.isPresent() && next.get().isBefore(wake)) {
        wake = next.get();
      }
    }
    return wake;
  }
}
