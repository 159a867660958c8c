package dev.cairn.cli.client;

import dev.cairn.v1.Event;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Streams events with WatchEvents and, when following, resumes after a dropped connection, or after
 * the server ended the stream because it fell behind, from the last sequence number seen, so that
 * no event is shown twice or lost.
 */
public final class EventFollower {
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * How a stream ended.
   *
   * @param lastSeq the sequence number of the last event passed on
   * @param terminal the run's terminal event, when the stream reached it
   * @param detached true when {@link #detach} ended the stream
   */
  public record Outcome(long lastSeq, Event terminal, boolean detached) {}

  private final CairnClient client;
  private final String runId;
  private final boolean follow;
  private final Consumer<String> notices;
  private final CountDownLatch detachRequested = new CountDownLatch(1);
  private volatile Context.CancellableContext current;

  /**
   * A follower of one run's events ({@code runId} not empty) or of all runs' events.
   *
   * @param follow keep streaming live events and reconnect after a drop
   * @param notices receives one line each time the connection is lost and retried
   */
  public EventFollower(CairnClient client, String runId, boolean follow, Consumer<String> notices) {
    this.client = client;
    this.runId = runId;
    this.follow = follow;
    this.notices = notices;
  }

  /**
   * Passes every event after {@code afterSeq} to {@code sink}, in order, until the stream ends: for
   * a followed run, at its terminal event.
   *
   * @param reachable true when the server has already answered (e.g. a submit), so that even a
   *     first failed connection is retried; otherwise a first failure is reported as is
   */
  public Outcome stream(long afterSeq, boolean reachable, Consumer<Event> sink) {
    long last = afterSeq;
    boolean connected = reachable;
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      boolean behind = false;
      Context.CancellableContext context = Context.current().withCancellation();
      current = context;
      if (detachRequested.getCount() == 0) {
        return new Outcome(last, null, true);
      }
      Context previous = context.attach();
      try {
        Iterator<WatchEventsResponse> responses =
            client
                .streaming()
                .watchEvents(
                    WatchEventsRequest.newBuilder()
                        .setRunId(runId)
                        .setAfterSeq(last)
                        .setFollow(follow)
                        .build());
        while (responses.hasNext()) {
          Event event = responses.next().getEvent();
          connected = true;
          backoff = FIRST_BACKOFF;
          long seq = sequenceOf(event);
          if (seq <= last) {
            // The server resumes after the number given; a repeat is dropped all the same.
            continue;
          }
          sink.accept(event);
          last = seq;
          if (!runId.isEmpty() && isTerminal(event)) {
            return new Outcome(last, event, false);
          }
        }
        if (!follow) {
          return new Outcome(last, null, false);
        }
        // A followed stream that ends before the terminal event was cut short: resume it.
      } catch (StatusRuntimeException e) {
        if (detachRequested.getCount() == 0) {
          return new Outcome(last, null, true);
        }
        if (!follow || !connected || !resumable(e.getStatus().getCode())) {
          throw e;
        }
        behind = e.getStatus().getCode() == Status.Code.ABORTED;
      } finally {
        context.detach(previous);
        context.cancel(null);
      }
      notices.accept(
          behind
              ? "fell behind the events of "
                  + client.address()
                  + "; resuming after "
                  + last
                  + " in "
                  + backoff.toMillis() / 1000.0
                  + "s"
              : "connection to "
                  + client.address()
                  + " lost; reconnecting in "
                  + backoff.toMillis() / 1000.0
                  + "s");
      if (await(backoff)) {
        return new Outcome(last, null, true);
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** Ends the stream from another thread (Ctrl-C); {@link #stream} returns as detached. */
  public void detach() {
    detachRequested.countDown();
    Context.CancellableContext context = current;
    if (context != null) {
      context.cancel(null);
    }
  }

  /**
   * Whether a followed stream that ended with {@code code} is resumed: UNAVAILABLE (a server
   * restart, a network blip) and ABORTED (the server ended a watcher that fell too far behind,
   * reason WATCHER_TOO_SLOW); the stream resumes after the last event passed on.
   */
  static boolean resumable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.ABORTED;
  }

  /** True for the last event of a run. */
  public static boolean isTerminal(Event event) {
    return switch (event.getPayloadCase()) {
      case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED -> true;
      default -> false;
    };
  }

  private long sequenceOf(Event event) {
    return runId.isEmpty() ? event.getGlobalSeq() : event.getRunSeq();
  }

  /** Waits out a backoff; true when a detach came first. */
  private boolean await(Duration backoff) {
    try {
      return detachRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
