package dev.cairn.server.store;

import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * An {@link EventStore} in memory, for the engine shell's deterministic tests. It passes the same
 * contract test as SQLite ({@code InMemoryEventStoreTest}). Its {@link Log} is what a file would
 * be: a store opened again on the same log sees everything committed. A test can make appends fail
 * ({@link #failAppends}) as a full disk or a broken file would.
 */
public final class InMemoryEventStore implements EventStore {

  /** What survives a close and a reopen: the events, and the runs projection derived from them. */
  public static final class Log {
    private final NavigableMap<Long, Event> events = new TreeMap<>();
    private final Map<String, Long> lastRunSeqs = new HashMap<>();
    private final Map<String, Row> runs = new LinkedHashMap<>();
    private final Map<String, RemovedRun> removed = new HashMap<>();
    private long lastGlobalSeq;
    private long highestRemoved;
    private final Map<String, List<dev.cairn.v1.ScheduleEvent>> schedules = new TreeMap<>();
  }

  private volatile boolean leadsFiring = true;

  /** Makes this store say whether its server fires schedules, as a shared store's lock would. */
  public void leadFiring(boolean leads) {
    this.leadsFiring = leads;
  }

  @Override
  public ScheduleLog scheduleLog() {
    InMemoryEventStore store = this;
    return new ScheduleLog() {
      @Override
      public boolean leadsFiring() {
        return leadsFiring;
      }

      @Override
      public void appendSchedule(List<dev.cairn.v1.ScheduleEvent> events) {
        synchronized (store) {
          requireOpen();
          ScheduleRows.requireWellFormed(events);
          if (events.isEmpty()) {
            return;
          }
          if (appendFailure != null) {
            throw appendFailure.get();
          }
          String id = events.get(0).getScheduleId();
          long last = log.schedules.getOrDefault(id, List.of()).size();
          for (dev.cairn.v1.ScheduleEvent event : events) {
            if (event.getScheduleSeq() != ++last) {
              throw new StoreConflictException(
                  "schedule_seq " + event.getScheduleSeq() + " does not continue the schedule");
            }
          }
          log.schedules.computeIfAbsent(id, ignored -> new java.util.ArrayList<>()).addAll(events);
        }
      }

      @Override
      public List<String> scheduleIds() {
        synchronized (store) {
          requireOpen();
          return List.copyOf(log.schedules.keySet());
        }
      }

      @Override
      public List<dev.cairn.v1.ScheduleEvent> readSchedule(
          String scheduleId, long afterSeq, int limit) {
        synchronized (store) {
          requireOpen();
          return log.schedules.getOrDefault(scheduleId, List.of()).stream()
              .filter(event -> event.getScheduleSeq() > afterSeq)
              .limit(limit)
              .toList();
        }
      }
    };
  }

  private final Log log;
  private Supplier<RuntimeException> appendFailure;
  private boolean closed;
  private long commits;
  private long appended;

  public InMemoryEventStore(Log log) {
    this.log = log;
  }

  /** A store on a fresh log of its own. */
  public InMemoryEventStore() {
    this(new Log());
  }

  /**
   * Makes every append throw what {@code failure} supplies, before anything is written, until
   * called again with null: a {@link StoreFullException} for a full disk, a {@link StoreException}
   * for a file that can no longer be trusted.
   */
  public synchronized void failAppends(Supplier<RuntimeException> failure) {
    this.appendFailure = failure;
  }

  @Override
  public synchronized List<Event> append(List<Event> events) {
    requireOpen();
    events.forEach(AppendRules::requireWellFormed);
    if (events.isEmpty()) {
      return List.of();
    }
    if (appendFailure != null) {
      throw appendFailure.get();
    }
    List<Event> stored = sequence(events);
    for (Event event : stored) {
      log.events.put(event.getGlobalSeq(), event);
      log.lastGlobalSeq = event.getGlobalSeq();
      log.lastRunSeqs.put(event.getRunId(), event.getRunSeq());
      project(log.runs, event);
    }
    commits++;
    appended += stored.size();
    return stored;
  }

  private List<Event> sequence(List<Event> events) {
    Map<String, Long> lastRunSeqs = new HashMap<>();
    Set<String> requestIdsInBatch = new HashSet<>();
    long globalSeq = log.lastGlobalSeq;
    List<Event> sequenced = new ArrayList<>();
    for (Event event : events) {
      String runId = event.getRunId();
      long expected =
          lastRunSeqs.computeIfAbsent(runId, id -> log.lastRunSeqs.getOrDefault(id, 0L)) + 1;
      AppendRules.requireNextInRun(event, expected - 1);
      boolean submitted = event.getPayloadCase() == PayloadCase.RUN_SUBMITTED;
      if (submitted) {
        String requestId = event.getRunSubmitted().getRequestId();
        Optional<String> existing = requestId.isEmpty() ? Optional.empty() : runFor(requestId);
        if (existing.isPresent()) {
          throw new StoreConflictException(
              "request_id " + requestId + " was already used by run " + existing.get());
        }
        if (!requestId.isEmpty() && !requestIdsInBatch.add(requestId)) {
          throw new StoreConflictException(
              "request_id " + requestId + " is used by two runs of the same batch");
        }
      }
      lastRunSeqs.put(runId, event.getRunSeq());
      sequenced.add(event.toBuilder().setGlobalSeq(++globalSeq).build());
    }
    return sequenced;
  }

  private static void project(Map<String, Row> runs, Event event) {
    switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> {
        var submitted = event.getRunSubmitted();
        RunSummary summary =
            RunSummary.newBuilder()
                .setRunId(event.getRunId())
                .setName(submitted.getSpec().getName())
                .setStatus(RunStatus.RUN_STATUS_RUNNING)
                .setCreateTime(EpochMicros.toTimestamp(EpochMicros.of(event.getTime())))
                .build();
        runs.put(
            event.getRunId(), new Row(summary, submitted.getRequestId(), event.getGlobalSeq()));
      }
      case RUN_CANCEL_REQUESTED ->
          runs.computeIfPresent(
              event.getRunId(),
              (id, row) ->
                  row.summary().getStatus() == RunStatus.RUN_STATUS_RUNNING
                      ? row.with(
                          row.summary().toBuilder().setStatus(RunStatus.RUN_STATUS_CANCELLING))
                      : row);
      case RUN_SUCCEEDED -> finish(runs, event, RunStatus.RUN_STATUS_SUCCEEDED);
      case RUN_FAILED -> finish(runs, event, RunStatus.RUN_STATUS_FAILED);
      case RUN_CANCELLED -> finish(runs, event, RunStatus.RUN_STATUS_CANCELLED);
      default -> {
        // Step events do not change the run's row.
      }
    }
  }

  private static void finish(Map<String, Row> runs, Event event, RunStatus status) {
    runs.computeIfPresent(
        event.getRunId(),
        (id, row) ->
            row.with(
                row.summary().toBuilder()
                    .setStatus(status)
                    .setEndTime(EpochMicros.toTimestamp(EpochMicros.of(event.getTime())))));
  }

  private Optional<String> runFor(String requestId) {
    return log.runs.values().stream()
        .filter(row -> row.requestId().equals(requestId))
        .map(row -> row.summary().getRunId())
        .findFirst();
  }

  @Override
  public synchronized List<Event> readRun(String runId, long afterRunSeq, int limit) {
    requireOpen();
    return log.events.values().stream()
        .filter(event -> event.getRunId().equals(runId) && event.getRunSeq() > afterRunSeq)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized List<Event> readAll(long afterGlobalSeq, int limit) {
    requireOpen();
    return log.events.tailMap(afterGlobalSeq, false).values().stream().limit(limit).toList();
  }

  @Override
  public synchronized long lastGlobalSeq() {
    requireOpen();
    return log.lastGlobalSeq;
  }

  @Override
  public synchronized Optional<RemovedRun> removeRun(
      String runId, RemovedRun.Cause cause, Instant removedAt) {
    requireOpen();
    Row row = log.runs.get(runId);
    if (row == null) {
      return Optional.ofNullable(log.removed.get(runId));
    }
    if (row.status() == RunStatus.RUN_STATUS_RUNNING
        || row.status() == RunStatus.RUN_STATUS_CANCELLING) {
      throw new RunStillLiveException(runId);
    }
    long last = 0;
    for (var entries = log.events.values().iterator(); entries.hasNext(); ) {
      Event event = entries.next();
      if (event.getRunId().equals(runId)) {
        last = Math.max(last, event.getGlobalSeq());
        entries.remove();
      }
    }
    log.runs.remove(runId);
    log.lastRunSeqs.remove(runId);
    RemovedRun removed = new RemovedRun(runId, removedAt, cause, last);
    log.removed.put(runId, removed);
    log.highestRemoved = Math.max(log.highestRemoved, last);
    return Optional.of(removed);
  }

  @Override
  public synchronized int forgetRemovedRuns(Instant removedBefore, int limit) {
    requireOpen();
    List<String> forgotten =
        log.removed.values().stream()
            .filter(removed -> removed.removedAt().isBefore(removedBefore))
            .sorted((a, b) -> a.removedAt().compareTo(b.removedAt()))
            .limit(limit)
            .map(RemovedRun::runId)
            .toList();
    forgotten.forEach(log.removed::remove);
    return forgotten.size();
  }

  @Override
  public synchronized Optional<RemovedRun> findRemovedRun(String runId) {
    requireOpen();
    return Optional.ofNullable(log.removed.get(runId));
  }

  @Override
  public synchronized List<String> runsEndedBefore(Instant endedBefore, int limit) {
    requireOpen();
    long before = micros(endedBefore);
    return log.runs.values().stream()
        .filter(row -> row.summary().hasEndTime())
        .filter(row -> EpochMicros.of(row.summary().getEndTime()) < before)
        .sorted(
            (a, b) ->
                Long.compare(
                    EpochMicros.of(a.summary().getEndTime()),
                    EpochMicros.of(b.summary().getEndTime())))
        .limit(limit)
        .map(row -> row.summary().getRunId())
        .toList();
  }

  private static long micros(Instant time) {
    return time.getEpochSecond() * 1_000_000L + time.getNano() / 1000;
  }

  @Override
  public synchronized LogHorizon logHorizon() {
    requireOpen();
    long oldest = log.events.isEmpty() ? log.lastGlobalSeq + 1 : log.events.firstKey();
    return new LogHorizon(oldest, log.highestRemoved);
  }

  @Override
  public synchronized Optional<String> runIdForRequest(String requestId) {
    requireOpen();
    return requestId.isEmpty() ? Optional.empty() : runFor(requestId);
  }

  @Override
  public synchronized List<String> rerunsOf(String runId) {
    requireOpen();
    return log.events.values().stream()
        .filter(event -> event.hasRunSubmitted())
        .filter(event -> event.getRunSubmitted().getRerunOf().equals(runId))
        .map(Event::getRunId)
        .toList();
  }

  @Override
  public synchronized Optional<RunSummary> findRun(String runId) {
    requireOpen();
    return Optional.ofNullable(log.runs.get(runId)).map(Row::summary);
  }

  @Override
  public synchronized RunPage listRuns(RunQuery query) {
    requireOpen();
    RunListCursor cursor = RunListCursor.of(query);
    int pageSize = query.effectivePageSize();
    List<Row> rows =
        log.runs.values().stream()
            .filter(row -> row.submitSeq() < cursor.beforeSubmitSeq())
            .filter(row -> query.statuses().isEmpty() || query.statuses().contains(row.status()))
            .filter(row -> query.name().isEmpty() || query.name().equals(row.summary().getName()))
            .sorted((a, b) -> Long.compare(b.submitSeq(), a.submitSeq()))
            .limit(pageSize + 1L)
            .toList();
    if (rows.size() <= pageSize) {
      return new RunPage(rows.stream().map(Row::summary).toList(), "");
    }
    List<Row> page = rows.subList(0, pageSize);
    String next = cursor.after(page.get(pageSize - 1).submitSeq()).encode();
    return new RunPage(page.stream().map(Row::summary).toList(), next);
  }

  @Override
  public synchronized List<String> unfinishedRunIds() {
    requireOpen();
    return log.runs.values().stream()
        .filter(
            row ->
                row.status() == RunStatus.RUN_STATUS_RUNNING
                    || row.status() == RunStatus.RUN_STATUS_CANCELLING)
        .sorted((a, b) -> Long.compare(a.submitSeq(), b.submitSeq()))
        .map(row -> row.summary().getRunId())
        .toList();
  }

  @Override
  public synchronized void rebuildProjection() {
    requireOpen();
    log.runs.clear();
    for (Event event : log.events.values()) {
      project(log.runs, event);
    }
  }

  /**
   * Spoils the runs projection behind the store's back, as a damaged file would: every row loses
   * its status, end time and request id, and the row of {@code runToDrop} goes.
   */
  public synchronized void damageProjection(String runToDrop) {
    log.runs.replaceAll(
        (id, row) ->
            new Row(
                row.summary().toBuilder()
                    .setStatus(RunStatus.RUN_STATUS_UNSPECIFIED)
                    .clearEndTime()
                    .build(),
                "",
                row.submitSeq()));
    log.runs.values().removeIf(row -> row.summary().getRunId().equals(runToDrop));
  }

  @Override
  public synchronized StoreStats stats() {
    requireOpen();
    return new StoreStats(commits, appended);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void requireOpen() {
    if (closed) {
      throw new StoreException("the in-memory event store is closed");
    }
  }

  /** A run's row of the projection, with its request id and keyset position. */
  private record Row(RunSummary summary, String requestId, long submitSeq) {
    RunStatus status() {
      return summary.getStatus();
    }

    Row with(RunSummary.Builder changed) {
      return new Row(changed.build(), requestId, submitSeq);
    }
  }
}
