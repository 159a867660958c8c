package dev.cairn.server.store.postgres;

import dev.cairn.server.store.EpochMicros;
import dev.cairn.server.store.ReadChecks;
import dev.cairn.server.store.StoreCheckReport;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * The thorough check of a PostgreSQL store: every event read back in sequence, and the runs
 * projection compared with what the events imply. PostgreSQL checks its own pages (with data
 * checksums on), so this looks for what only Cairn knows: gaps, strays and a projection that
 * disagrees with the log.
 */
final class PostgresOfflineCheck {
  private static final int CHUNK = 1000;

  private PostgresOfflineCheck() {}

  static StoreCheckReport check(Handle handle) {
    List<String> damage = new ArrayList<>();
    Map<String, Long> lastRunSeqs = new HashMap<>();
    Map<String, PostgresRows.RunRow> expected = new HashMap<>();
    long events = 0;
    boolean intact = true;
    try {
      long after = 0;
      while (true) {
        List<Event> chunk =
            handle
                .createQuery(
                    "SELECT "
                        + PostgresRows.EVENT_COLUMNS
                        + " FROM events WHERE global_seq > :after ORDER BY global_seq LIMIT :limit")
                .bind("after", after)
                .bind("limit", CHUNK)
                .map((row, ctx) -> PostgresRows.event(row))
                .list();
        ReadChecks.requireLogContinues(
            after, chunk, () -> PostgresRunRemoval.highestRemovedIfKept(handle));
        for (Event event : chunk) {
          long last = lastRunSeqs.getOrDefault(event.getRunId(), 0L);
          ReadChecks.requireRunContinues(event.getRunId(), last, List.of(event));
          lastRunSeqs.put(event.getRunId(), event.getRunSeq());
          project(expected, event);
        }
        events += chunk.size();
        if (chunk.size() < CHUNK) {
          break;
        }
        after = chunk.get(chunk.size() - 1).getGlobalSeq();
      }
      long head =
          handle
              .createQuery("SELECT last_global_seq FROM log_head WHERE id = 1")
              .mapTo(Long.class)
              .one();
      if (head != events) {
        damage.add("the log head says " + head + " events were written, but " + events + " are");
      }
    } catch (StoreCorruptException e) {
      damage.add(e.getMessage());
      intact = false;
    }
    if (intact) {
      compareProjection(handle, expected, damage);
    }
    return new StoreCheckReport(
        damage,
        List.of(
            "PostgreSQL checks its own pages only when the cluster has data checksums on"
                + " (initdb --data-checksums)"),
        intact,
        events,
        lastRunSeqs.size());
  }

  private static void project(Map<String, PostgresRows.RunRow> runs, Event event) {
    PostgresRows.RunRow row = runs.get(event.getRunId());
    switch (event.getPayloadCase()) {
      case RUN_SUBMITTED -> {
        String requestId = event.getRunSubmitted().getRequestId();
        runs.put(
            event.getRunId(),
            new PostgresRows.RunRow(
                event.getRunId(),
                event.getRunSubmitted().getSpec().getName(),
                RunStatus.RUN_STATUS_RUNNING_VALUE,
                EpochMicros.of(event.getTime()),
                null,
                requestId.isEmpty() ? null : requestId,
                event.getGlobalSeq()));
      }
      case RUN_CANCEL_REQUESTED -> {
        if (row != null && row.status() == RunStatus.RUN_STATUS_RUNNING_VALUE) {
          runs.put(event.getRunId(), withStatus(row, RunStatus.RUN_STATUS_CANCELLING, null));
        }
      }
      case RUN_SUCCEEDED -> finish(runs, row, event, RunStatus.RUN_STATUS_SUCCEEDED);
      case RUN_FAILED -> finish(runs, row, event, RunStatus.RUN_STATUS_FAILED);
      case RUN_CANCELLED -> finish(runs, row, event, RunStatus.RUN_STATUS_CANCELLED);
      default -> {
        // Step events do not change the run's row.
      }
    }
  }

  private static void finish(
      Map<String, PostgresRows.RunRow> runs,
      PostgresRows.RunRow row,
      Event event,
      RunStatus status) {
    if (row != null) {
      runs.put(event.getRunId(), withStatus(row, status, EpochMicros.of(event.getTime())));
    }
  }

  private static PostgresRows.RunRow withStatus(
      PostgresRows.RunRow row, RunStatus status, Long endTimeUs) {
    return new PostgresRows.RunRow(
        row.runId(),
        row.name(),
        status.getNumber(),
        row.createTimeUs(),
        endTimeUs == null ? row.endTimeUs() : endTimeUs,
        row.requestId(),
        row.submitSeq());
  }

  private static void compareProjection(
      Handle handle, Map<String, PostgresRows.RunRow> expected, List<String> damage) {
    Map<String, PostgresRows.RunRow> stored = new HashMap<>();
    handle
        .createQuery("SELECT " + PostgresRows.RUN_COLUMNS + " FROM runs")
        .map((row, ctx) -> PostgresRows.run(row))
        .forEach(row -> stored.put(row.runId(), row));
    for (PostgresRows.RunRow want : expected.values()) {
      PostgresRows.RunRow have = stored.get(want.runId());
      if (have == null) {
        damage.add("run " + want.runId() + " has events but no row in the runs projection");
      } else if (!Objects.equals(have, want)) {
        damage.add(
            "the runs projection's row of run " + want.runId() + " disagrees with its events");
      }
    }
    stored.keySet().stream()
        .filter(runId -> !expected.containsKey(runId))
        .sorted()
        .forEach(runId -> damage.add("the runs projection has a row for unknown run " + runId));
  }
}
