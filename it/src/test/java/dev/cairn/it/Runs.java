package dev.cairn.it;

import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/** Client-side helpers over a running server: submit, await through events, read history. */
final class Runs {
  private final ServerProcess server;

  Runs(ServerProcess server) {
    this.server = server;
  }

  String submit(WorkflowSpec spec) {
    return server.stub().submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build()).getRunId();
  }

  Run get(String runId) {
    return server.stub().getRun(GetRunRequest.newBuilder().setRunId(runId).build()).getRun();
  }

  /** Follows the run's events until its terminal event and returns them all. */
  List<Event> follow(String runId) {
    List<Event> events = new ArrayList<>();
    Iterator<WatchEventsResponse> stream =
        server
            .stub()
            .withDeadlineAfter(120, java.util.concurrent.TimeUnit.SECONDS)
            .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build());
    stream.forEachRemaining(response -> events.add(response.getEvent()));
    return events;
  }

  /** An attempt's output (0 = the latest) through StreamLogs, followed to its end if asked. */
  String logs(String runId, String stepId, int attempt, boolean follow) {
    StringBuilder text = new StringBuilder();
    server
        .stub()
        .streamLogs(
            StreamLogsRequest.newBuilder()
                .setRunId(runId)
                .setStepId(stepId)
                .setAttempt(attempt)
                .setFollow(follow)
                .build())
        .forEachRemaining(chunk -> text.append(chunk.getData().toStringUtf8()));
    return text.toString();
  }

  /**
   * Waits until the first attempt of the step has written exactly {@code expected} (read through
   * StreamLogs), up to 20 s.
   */
  void awaitOutput(String runId, String stepId, String expected) {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      String text = logs(runId, stepId, 1, false);
      if (text.equals(expected)) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "output of " + stepId + " is " + text + " after 20 s, not " + expected);
      }
      ServerProcess.pause(20);
    }
  }

  /** Every stored event of the store, in global order. */
  List<Event> all() {
    List<Event> events = new ArrayList<>();
    server
        .stub()
        .watchEvents(WatchEventsRequest.newBuilder().build())
        .forEachRemaining(response -> events.add(response.getEvent()));
    return events;
  }

  Run awaitStatus(String runId, Predicate<Run> condition, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Run run = get(runId);
    while (!condition.test(run)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not reached in " + timeout + "; run is " + run);
      }
      ServerProcess.pause(20);
      run = get(runId);
    }
    return run;
  }

  static boolean terminal(Run run) {
    return run.getStatus() == RunStatus.RUN_STATUS_SUCCEEDED
        || run.getStatus() == RunStatus.RUN_STATUS_FAILED
        || run.getStatus() == RunStatus.RUN_STATUS_CANCELLED;
  }

  static Instant time(Event event) {
    return Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos());
  }
}
