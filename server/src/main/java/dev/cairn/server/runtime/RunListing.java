package dev.cairn.server.runtime;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RunListCursor;
import dev.cairn.server.store.RunPage;
import dev.cairn.server.store.RunQuery;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run list with what each run's first event says: its labels and the run it reruns, and a
 * filter by labels. The runs projection holds neither, so each listed run's RunSubmitted is read
 * (one indexed read per run); a label filter walks the projection's pages until it has a page of
 * matching runs, and its token continues after the last run it returned.
 */
final class RunListing {
  /** Runs read from the projection per step of a label-filtered walk. */
  private static final int BATCH = 500;

  private final EventStore store;

  RunListing(EventStore store) {
    this.store = store;
  }

  RunPage list(RunQuery query) {
    if (query.labels().isEmpty()) {
      RunPage page = store.listRuns(query);
      List<RunSummary> runs = new ArrayList<>(page.runs().size());
      for (RunSummary run : page.runs()) {
        Event first = first(run.getRunId());
        runs.add(first == null ? run : withFirstEvent(run, first.getRunSubmitted()));
      }
      return new RunPage(runs, page.nextPageToken());
    }
    RunListCursor cursor = RunListCursor.of(query);
    int pageSize = query.effectivePageSize();
    RunQuery plain = new RunQuery(BATCH, "", query.statuses(), query.name());
    RunListCursor plainCursor = RunListCursor.of(plain);
    long before = cursor.position();
    List<RunSummary> matches = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    while (matches.size() <= pageSize) {
      String token = before == Long.MAX_VALUE ? "" : plainCursor.after(before).encode();
      RunPage batch = store.listRuns(plain.withPageToken(token));
      for (RunSummary run : batch.runs()) {
        Event first = first(run.getRunId());
        if (first == null) {
          continue;
        }
        before = first.getGlobalSeq();
        RunSubmitted submitted = first.getRunSubmitted();
        if (carries(submitted.getLabelsMap(), query.labels())) {
          matches.add(withFirstEvent(run, submitted));
          positions.add(first.getGlobalSeq());
          if (matches.size() > pageSize) {
            break;
          }
        }
      }
      if (batch.nextPageToken().isEmpty()) {
        break;
      }
    }
    if (matches.size() <= pageSize) {
      return new RunPage(matches, "");
    }
    String next = cursor.after(positions.get(pageSize - 1)).encode();
    return new RunPage(matches.subList(0, pageSize), next);
  }

  private Event first(String runId) {
    List<Event> events = store.readRun(runId, 0, 1);
    return events.isEmpty() ? null : events.get(0);
  }

  private static boolean carries(Map<String, String> labels, Map<String, String> wanted) {
    for (Map.Entry<String, String> label : wanted.entrySet()) {
      if (!label.getValue().equals(labels.get(label.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static RunSummary withFirstEvent(RunSummary run, RunSubmitted submitted) {
    return run.toBuilder()
        .putAllLabels(submitted.getLabelsMap())
        .setRerunOf(submitted.getRerunOf())
        .build();
  }
}
