package dev.cairn.bench;

import dev.cairn.v1.Event;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Runs one spec through the real API and times it from the submit call to the terminal event. */
final class RunTimer {
  private RunTimer() {}

  /** The wall time of a run and how it ended. */
  record Timed(String runId, long nanos, Event.PayloadCase terminal, long events) {}

  static Timed run(CairnServerProcess server, WorkflowSpec spec) {
    long start = System.nanoTime();
    String runId =
        server
            .runs()
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build())
            .getRunId();
    // From run seq 0, so events that happened before the watch began are replayed, not missed.
    Iterator<WatchEventsResponse> stream =
        server
            .runs()
            .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build());
    long events = 0;
    while (stream.hasNext()) {
      Event event = stream.next().getEvent();
      events++;
      if (isTerminal(event)) {
        long nanos = System.nanoTime() - start;
        drain(stream);
        return new Timed(runId, nanos, event.getPayloadCase(), events);
      }
    }
    throw new IllegalStateException("the event stream of run " + runId + " ended before the run");
  }

  static boolean isTerminal(Event event) {
    return switch (event.getPayloadCase()) {
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> true;
      default -> false;
    };
  }

  // A one-run stream ends after the terminal event; reading to its end releases the call.
  private static void drain(Iterator<WatchEventsResponse> stream) {
    while (stream.hasNext()) {
      stream.next();
    }
  }
}
