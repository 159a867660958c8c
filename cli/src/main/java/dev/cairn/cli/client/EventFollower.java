package dev.cairn.cli.client;

import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.ListRunsRequest;
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
  // A server that was just there is most likely restarting: retry soon, and never let the
  // attempts drift more than half a second apart. An attempt made just as the server comes back
  // can still fail; the next one then comes half a second later, so the run shows its current
  // state within about a second of the server being ready, not two.
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(500);
  // How long a probe of a restarting server may take before it counts as one failed attempt.
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(2);

  /** Hears about the connection of a followed stream, from the thread that streams. */
  public interface ConnectionListener {
    /**
     * The stream was lost and is retried in {@code retryIn}.
     *
     * @param attempt the number of this retry since the last time the server answered (1, 2, ...)
     * @param behind true when the server ended the stream because the client fell behind
     * @param lastSeq the sequence number of the last event passed on
     */
    void lost(int attempt, Duration retryIn, boolean behind, long lastSeq);

    /** The server answers again after one or more {@link #lost} calls. */
    void restored();
  }

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
  private final ConnectionListener listener;
  private final CountDownLatch detachRequested = new CountDownLatch(1);
  private volatile Context.CancellableContext current;

  /**
   * A follower of one run's events ({@code runId} not empty) or of all runs' events.
   *
   * @param follow keep streaming live events and reconnect after a drop
   * @param notices receives a line when the connection is lost, and again on the 2nd, 4th, 8th...
   *     retry while it stays lost
   */
  public EventFollower(CairnClient client, String runId, boolean follow, Consumer<String> notices) {
    this(client, runId, follow, lines(client, notices));
  }

  /**
   * A follower that reports the connection's state to {@code listener} instead of as lines, for a
   * display that shows it in place.
   */
  public EventFollower(
      CairnClient client, String runId, boolean follow, ConnectionListener listener) {
    this.client = client;
    this.runId = runId;
    this.follow = follow;
    this.listener = listener;
  }

  /**
   * A listener that describes a loss in one line: on the first attempt and then on the 2nd, 4th,
   * 8th..., since attempts come at most a second apart and a line each would flood the output.
   */
  private static ConnectionListener lines(CairnClient client, Consumer<String> notices) {
    return new ConnectionListener() {
      @Override
      public void lost(int attempt, Duration retryIn, boolean behind, long lastSeq) {
        if (Integer.bitCount(attempt) != 1) {
          return;
        }
        notices.accept(
            behind
                ? "fell behind the events of "
                    + client.address()
                    + "; resuming after "
                    + lastSeq
                    + " in "
                    + retryIn.toMillis() / 1000.0
                    + "s"
                : "connection to "
                    + client.address()
                    + " lost; reconnecting in "
                    + retryIn.toMillis() / 1000.0
                    + "s");
      }

      @Override
      public void restored() {
        // A line-based display shows the events that follow; nothing to take back.
      }
    };
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
    int attempts = 0;
    while (true) {
      boolean behind = false;
      Context.CancellableContext context = Context.current().withCancellation();
      current = context;
      if (detachRequested.getCount() == 0) {
        return new Outcome(last, null, true);
      }
      Context previous = context.attach();
      try {
        if (attempts > 0) {
          // A resumed stream of a run with nothing new to say would not show that the server
          // is back; a quick call does, and a server still down costs one attempt.
          probe();
          listener.restored();
          attempts = 0;
        }
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
      attempts++;
      listener.lost(attempts, backoff, behind, last);
      if (await(backoff)) {
        return new Outcome(last, null, true);
      }
      client.resetConnectBackoff();
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /**
   * Asks the server something small; returns when it answered at all (an error other than
   * UNAVAILABLE or a missed deadline is an answer), and throws UNAVAILABLE when it is still away.
   */
  private void probe() {
    try {
      var stub =
          client.streaming().withDeadlineAfter(PROBE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (runId.isEmpty()) {
        stub.listRuns(ListRunsRequest.newBuilder().setPageSize(1).build());
      } else {
        stub.getRun(GetRunRequest.newBuilder().setRunId(runId).build());
      }
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        throw Status.UNAVAILABLE.withDescription("server still away").asRuntimeException();
      }
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
   * reason WATCHER_TOO_SLOW); the stream resumes after the last event passed on. CANCELLED too: a
   * server that shuts down resets the streams it still serves with CANCEL, and a cancel of the
   * follower's own making (a detach) is told apart before this is asked.
   */
  static boolean resumable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.ABORTED
        || code == Status.Code.CANCELLED;
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
