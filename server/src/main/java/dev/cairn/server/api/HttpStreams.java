package dev.cairn.server.api;

import dev.cairn.server.runtime.EngineStoppedException;
import dev.cairn.server.runtime.EventFeed;
import dev.cairn.server.runtime.OutputReader;
import dev.cairn.server.runtime.RunQueries;
import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The HTTP API's server-sent event streams: a run's events or every run's (the WatchEvents feed)
 * and an attempt's output (the StreamLogs feed), with the same guarantees: no gap, no duplicate,
 * bounded buffers, no thread held while waiting. Each frame's {@code id} is where to resume: a
 * client that lost the connection sends it back as {@code Last-Event-ID} and gets what follows it.
 */
final class HttpStreams {
  private final EventStore store;
  private final EventFeed feed;
  private final OutputReader output;
  private final ScheduledExecutorService timers;
  private final java.util.Optional<ClusterPeers> cluster;

  HttpStreams(CairnServer server) {
    this.cluster = server.cluster();
    this.timers = server.streamWorkers();
    this.store = server.store();
    this.feed = new EventFeed(server.store(), server.broadcaster(), server.maxEventBytes(), timers);
    this.output = new OutputReader(new RunQueries(server.store()), timers);
  }

  /** One run's events; ids are the run's sequence numbers. Ends after the run's last event. */
  void runEvents(RoutingContext context) {
    events(context, context.pathParam("runId"));
  }

  /** Every run's events; ids are the global sequence numbers. */
  void allEvents(RoutingContext context) {
    events(context, "");
  }

  private void events(RoutingContext context, String runId) {
    long after;
    boolean follow;
    boolean fromHead = runId.isEmpty() && fromHead(context);
    try {
      after = fromHead ? 0 : resumePoint(context, "after_seq");
      follow = flag(context, "follow", true);
    } catch (IllegalArgumentException e) {
      JsonReply.send(context.response(), HttpErrors.of(e));
      return;
    }
    boolean oneRun = !runId.isEmpty();
    // The feed gives each event as the bytes it was stored as; JSON needs the message.
    SseSink<EncodedEvent> sink =
        new SseSink<>(
            context.response(),
            encoded -> {
              Event event = encoded.parse();
              return frame(
                  oneRun ? event.getRunSeq() : event.getGlobalSeq(),
                  "event",
                  JsonReply.json(event));
            },
            timers);
    if (!fromHead) {
      watch(sink, runId, after, follow);
      return;
    }
    // The head is read from the store, so off the event loop; its frame gives the client the id
    // to resume from should the connection drop before the first event.
    Runnable startFromHead =
        () -> {
          long head;
          try {
            head = store.lastGlobalSeq();
          } catch (RuntimeException e) {
            sink.fail(e);
            return;
          }
          sink.announce(frame(head, "head", "{}"));
          watch(sink, "", head, follow);
        };
    try {
      timers.execute(startFromHead);
    } catch (RejectedExecutionException stopping) {
      sink.fail(new EngineStoppedException());
    }
  }

  private void watch(SseSink<EncodedEvent> sink, String runId, long after, boolean follow) {
    Runnable stream;
    try {
      stream = feed.watch(runId, after, follow, sink);
    } catch (RuntimeException e) {
      sink.fail(e);
      return;
    }
    sink.start(stream);
  }

  /** {@code after_seq=now}: only events after the store's head, unless the client resumes. */
  private static boolean fromHead(RoutingContext context) {
    String lastEventId = context.request().getHeader("Last-Event-ID");
    return "now".equals(context.queryParams().get("after_seq"))
        && (lastEventId == null || lastEventId.isBlank());
  }

  /** An attempt's output from an offset; ids are the offset of the next byte. */
  void output(RoutingContext context) {
    long offset;
    int attempt;
    boolean follow;
    try {
      offset = resumePoint(context, "offset");
      attempt = number(orNull(context, "attempt"), "attempt", 0, Integer.MAX_VALUE).intValue();
      follow = flag(context, "follow", true);
    } catch (IllegalArgumentException e) {
      JsonReply.send(context.response(), HttpErrors.of(e));
      return;
    }
    SseSink<OutputReader.Chunk> sink =
        new SseSink<>(
            context.response(),
            chunk ->
                frame(
                    chunk.offset() + chunk.data().length,
                    "output",
                    JsonReply.json(
                        StreamLogsResponse.newBuilder()
                            .setData(com.google.protobuf.ByteString.copyFrom(chunk.data()))
                            .setOffset(chunk.offset())
                            .setAttempt(chunk.attempt()))),
            timers);
    if (cluster.isPresent()) {
      // From the node that ran the attempt, as StreamLogs (ClusterPeers).
      sink.start(
          cluster
              .get()
              .streamLogs(
                  StreamLogsRequest.newBuilder()
                      .setRunId(context.pathParam("runId"))
                      .setStepId(context.pathParam("stepId"))
                      .setAttempt(attempt)
                      .setOffset(offset)
                      .setFollow(follow)
                      .build(),
                  sink,
                  output,
                  timers));
      return;
    }
    Runnable stream;
    try {
      stream =
          output.stream(
              context.pathParam("runId"),
              context.pathParam("stepId"),
              attempt,
              offset,
              follow,
              sink);
    } catch (RuntimeException e) {
      sink.fail(e);
      return;
    }
    sink.start(stream);
  }

  private static String frame(long id, String event, String json) {
    return "id: " + id + "\nevent: " + event + "\ndata: " + json + "\n\n";
  }

  /** {@code Last-Event-ID} when the client resumes, else the query parameter, else 0. */
  private static long resumePoint(RoutingContext context, String parameter) {
    String lastEventId = context.request().getHeader("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      return number(lastEventId.trim(), "Last-Event-ID", 0, Long.MAX_VALUE);
    }
    return number(orNull(context, parameter), parameter, 0, Long.MAX_VALUE);
  }

  private static boolean flag(RoutingContext context, String name, boolean otherwise) {
    String value = context.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return otherwise;
    }
    return switch (value) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false");
    };
  }

  private static String orNull(RoutingContext context, String name) {
    return context.queryParams().get(name);
  }

  /** A decimal number in [min, max], 0 when absent; anything else is a bad request. */
  static Long number(String text, String name, long min, long max) {
    if (text == null || text.isEmpty()) {
      return 0L;
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not '" + text + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
    }
    return value;
  }
}
