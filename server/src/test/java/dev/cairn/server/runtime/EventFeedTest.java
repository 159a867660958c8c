package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.sqlite.SqliteEventStore;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.RunSucceeded;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.WorkflowSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WatchEvents' feed over a real SQLite store, with events appended and published as the engine does
 * (commit, then publish), and a sink whose readiness the test controls as a client's flow control
 * would. The stream's passes run on the thread that wakes it, so every step is deterministic; the
 * threaded path is covered end to end by the watch ITs.
 */
class EventFeedTest {
  private static final long BUFFER_BYTES = 4 * 1024;
  private static final long STALL_BYTES = 64 * 1024;

  @TempDir Path dir;
  private EventStore store;
  private EventBroadcaster broadcaster;
  private EventFeed feed;
  private final Map<String, Long> runSeqs = new HashMap<>();

  @BeforeEach
  void open() {
    store = SqliteEventStore.open(dir.resolve("cairn.db"));
    broadcaster = new EventBroadcaster(BUFFER_BYTES, STALL_BYTES);
    // Passes run on the thread that wakes the stream: each step of a test is deterministic.
    feed = new EventFeed(store, broadcaster, 1 << 20, Runnable::run);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aFinishedRunWatchedFromItsLastEventOrBeyondEndsAtOnce() {
    commit(submitted("r", 10), succeeded("r"));
    for (long afterSeq : new long[] {2, 3, Long.MAX_VALUE}) {
      TestSink sink = watch("r", afterSeq, true);
      assertThat(sink.outcome()).as("after_seq %d", afterSeq).isNull();
      assertThat(sink.events()).isEmpty();
    }
    TestSink fromFirst = watch("r", 1, true);
    assertThat(fromFirst.outcome()).isNull();
    assertThat(runSeqs(fromFirst.events())).containsExactly(2L);
  }

  @Test
  void aRunThatEndsWhileTheWatcherLooksAtItsStatusStillSendsItsLastEvents() {
    commit(submitted("r", 10));
    // The run ends between the watcher's last read of the store and its look at the run's status:
    // the events committed in between must still be sent, then the stream ends.
    int[] lookups = {0};
    EventStore racing =
        (EventStore)
            java.lang.reflect.Proxy.newProxyInstance(
                EventStore.class.getClassLoader(),
                new Class<?>[] {EventStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("findRun") && ++lookups[0] == 2) {
                    commit(started("r"), succeeded("r"));
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    feed = new EventFeed(racing, broadcaster, 1 << 20, Runnable::run);

    TestSink sink = watch("r", 0, true);

    assertThat(lookups[0]).as("the status was looked at after the last read").isEqualTo(2);
    assertThat(runSeqs(sink.events())).containsExactly(1L, 2L, 3L);
    assertThat(sink.done).isCompletedWithValue(null);
  }

  @Test
  void aLiveRunWatchedFromBeyondItsEndEndsWithItsTerminalEvent() {
    commit(submitted("r", 10));
    TestSink sink = watch("r", 5, true);
    commit(started("r"));
    commit(succeeded("r"));
    assertThat(sink.outcome()).isNull();
    assertThat(sink.events()).isEmpty();
  }

  @Test
  void anAfterSeqBeyondSigned64BitsIsRefused() {
    assertThatThrownBy(() -> feed.watch("", -1, true, new TestSink()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after_seq");
  }

  @Test
  void aWatcherThatPausesPastItsBufferCatchesUpFromTheStoreWithNoGapAndNoDuplicate() {
    commit(submitted("a", 10));
    TestSink sink = watch("", 0, true);
    assertThat(sink.events()).hasSize(1);
    sink.setReady(false);
    // Far more than the buffer holds, less than the stall limit: the queue is dropped.
    for (int i = 0; i < 20; i++) {
      commit(submitted("run" + i, 1_000), started("run" + i));
    }
    assertThat(sink.events()).hasSize(1);
    sink.setReady(true);
    assertThat(sink.events()).hasSize(41);
    commit(started("a"));
    assertThat(sink.events()).hasSize(42);
    assertThat(globalSeqs(sink.events()))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 42).boxed().toList());
    assertThat(sink.done).isNotDone();
  }

  @Test
  void theBufferIsBoundedInBytesWhateverTheEvents() {
    EventBroadcaster.Subscription subscription = broadcaster.subscribe("", () -> {});
    subscription.resume();
    for (int i = 0; i < 3; i++) {
      commit(submitted("big" + i, 1_500));
      assertThat(subscription.queuedBytes()).isLessThanOrEqualTo(BUFFER_BYTES);
    }
    assertThat(subscription.paused()).as("the third event passes the bound").isTrue();
    assertThat(subscription.queuedBytes()).isZero();
    subscription.close();
  }

  @Test
  void aWatcherWhoseClientTakesNothingIsEndedWithTheSequenceToResumeFrom() {
    commit(submitted("a", 10));
    TestSink sink = watch("", 0, true);
    assertThat(sink.events()).hasSize(1);
    sink.setReady(false);
    for (int i = 0; i < 80 && !sink.done.isDone(); i++) {
      commit(submitted("run" + i, 1_000));
    }
    Throwable outcome = sink.outcome();
    assertThat(outcome).isInstanceOf(WatcherTooSlowException.class);
    assertThat(((WatcherTooSlowException) outcome).lastSeq()).isEqualTo(1);
    assertThat(outcome.getMessage()).contains("after_seq=1");
    assertThat(broadcaster.watchers()).isZero();
  }

  @Test
  void aSlowButReadingWatcherIsNeverEnded() {
    commit(submitted("a", 10));
    TestSink sink = watch("", 0, true);
    assertThat(sink.events()).hasSize(1);
    // Four times the stall limit published, and the client takes a few events now and then.
    int runs = 4 * (int) (STALL_BYTES / 1_000);
    for (int i = 0; i < runs; i++) {
      if (i % 10 == 0) {
        sink.setReady(false);
      }
      commit(submitted("run" + i, 1_000));
      if (i % 10 == 5) {
        sink.setReady(true);
      }
    }
    sink.setReady(true);
    assertThat(sink.events()).hasSize(runs + 1);
    assertThat(sink.done).isNotDone();
    assertThat(globalSeqs(sink.events()))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, runs + 1).boxed().toList());
  }

  @Test
  void aFollowedStreamEndsAfterTheLastPublishedEventWhenTheBroadcasterCloses() {
    commit(submitted("a", 10));
    TestSink sink = watch("", 0, true);
    commit(started("a"));
    broadcaster.close();
    assertThat(sink.outcome()).isInstanceOf(EngineStoppedException.class);
    assertThat(globalSeqs(sink.events())).containsExactly(1L, 2L);
  }

  @Test
  void withoutFollowOnlyTheStoredEventsAreSent() {
    commit(submitted("a", 10), started("a"));
    TestSink sink = watch("a", 0, false);
    assertThat(sink.outcome()).isNull();
    assertThat(runSeqs(sink.events())).containsExactly(1L, 2L);
    assertThat(broadcaster.watchers()).isZero();
  }

  @Test
  void anUnknownRunIsNotFound() {
    assertThat(watch("nope", 0, true).outcome()).isInstanceOf(RunNotFoundException.class);
  }

  private TestSink watch(String runId, long afterSeq, boolean follow) {
    TestSink sink = new TestSink();
    sink.wake = feed.watch(runId, afterSeq, follow, sink);
    sink.wake.run();
    return sink;
  }

  /** Appends one batch and publishes it, as the engine does after each commit. */
  private void commit(Event... events) {
    broadcaster.publish(store.append(List.of(events)));
  }

  private Event submitted(String runId, int specBytes) {
    WorkflowSpec spec =
        WorkflowSpec.newBuilder()
            .setName("w")
            .addSteps(StepSpec.newBuilder().setId("s").setRun("true # " + "x".repeat(specBytes)))
            .build();
    return next(runId, Event.newBuilder().setRunSubmitted(RunSubmitted.newBuilder().setSpec(spec)));
  }

  private Event started(String runId) {
    return next(
        runId,
        Event.newBuilder().setStepStarted(StepStarted.newBuilder().setStepId("s").setAttempt(1)));
  }

  private Event succeeded(String runId) {
    return next(runId, Event.newBuilder().setRunSucceeded(RunSucceeded.getDefaultInstance()));
  }

  private Event next(String runId, Event.Builder event) {
    long runSeq = runSeqs.merge(runId, 1L, Long::sum);
    return event
        .setRunId(runId)
        .setRunSeq(runSeq)
        .setTime(Timestamp.newBuilder().setSeconds(1_767_225_600L + runSeq))
        .build();
  }

  private static List<Long> runSeqs(List<Event> events) {
    return events.stream().map(Event::getRunSeq).toList();
  }

  private static List<Long> globalSeqs(List<Event> events) {
    return events.stream().map(Event::getGlobalSeq).toList();
  }

  /** A client whose readiness the test sets; becoming ready wakes the stream, as onReady does. */
  private final class TestSink implements StreamSink<EncodedEvent> {
    private final List<Event> events = new ArrayList<>();
    private final CompletableFuture<Throwable> done = new CompletableFuture<>();
    private volatile boolean ready = true;
    private volatile Runnable wake = () -> {};

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public void send(EncodedEvent event) {
      events.add(event.parse());
    }

    @Override
    public void complete() {
      done.complete(null);
    }

    @Override
    public void fail(Throwable error) {
      done.complete(error);
    }

    @Override
    public boolean cancelled() {
      return false;
    }

    void setReady(boolean value) {
      ready = value;
      if (value) {
        wake.run();
      }
    }

    List<Event> events() {
      return List.copyOf(events);
    }

    Throwable outcome() {
      assertThat(done).as("the stream ended").isDone();
      return done.join();
    }
  }
}
