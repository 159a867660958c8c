package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunSummary;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventStore} adapter must show. An adapter's test extends this class
 * and says how to open the store, and a plain JDBC connection to it, in a directory; it inherits
 * the log tests here and the projection tests of {@link RunsProjectionContract}.
 */
public abstract class EventStoreContractTest extends ScheduleLogContract {

  @Test
  void everyEventTypeWithEveryFieldSetRoundTrips() {
    // RunSubmitted opens the run; every other type follows in descriptor order.
    FieldDescriptor submitted =
        Event.getDescriptor().findFieldByNumber(Event.RUN_SUBMITTED_FIELD_NUMBER);
    List<FieldDescriptor> types = new ArrayList<>(List.of(submitted));
    EventSamples.payloadFields().stream().filter(type -> type != submitted).forEach(types::add);

    List<Event> appended = new ArrayList<>();
    for (FieldDescriptor type : types) {
      Event input =
          EventSamples.event(type, "run-all-types", appended.size() + 1, events.nextTime());
      assertThat(EventSamples.unsetFields((Message) input.getField(type)))
          .as(type.getName())
          .isEmpty();
      List<Event> stored = store.append(List.of(input));
      assertThat(stored)
          .containsExactly(input.toBuilder().setGlobalSeq(appended.size() + 1).build());
      appended.addAll(stored);
    }

    assertThat(store.readRun("run-all-types", 0, ALL)).containsExactlyElementsOf(appended);
    assertThat(store.readAll(0, ALL)).containsExactlyElementsOf(appended);
    // The reads of streams, as bytes with their placing fields, say the same of every type.
    for (List<EncodedEvent> encoded :
        List.of(store.readRunEncoded("run-all-types", 0, ALL), store.readAllEncoded(0, ALL))) {
      assertThat(encoded).extracting(EncodedEvent::parse).containsExactlyElementsOf(appended);
      assertThat(encoded)
          .extracting(EncodedEvent::globalSeq, EncodedEvent::runSeq, EncodedEvent::payloadCase)
          .containsExactlyElementsOf(
              appended.stream()
                  .map(
                      event ->
                          org.assertj.core.groups.Tuple.tuple(
                              event.getGlobalSeq(), event.getRunSeq(), event.getPayloadCase()))
                  .toList());
      assertThat(encoded).extracting(EncodedEvent::runId).containsOnly("run-all-types");
    }
    assertThat(store.readAllEncoded(2, 3))
        .extracting(EncodedEvent::globalSeq)
        .containsExactly(3L, 4L, 5L);
    reopen();
    assertThat(store.readAll(0, ALL)).containsExactlyElementsOf(appended);
    assertThat(appended)
        .extracting(Event::getPayloadCase)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            EnumSet.complementOf(EnumSet.of(PayloadCase.PAYLOAD_NOT_SET)));
    assertThat(types).hasSize(EventSamples.payloadOneof().getFieldCount());
  }

  @Test
  void theRerunsOfARunAreFoundOldestFirst() {
    Event original = events.submitted("run-a", "w");
    store.append(List.of(original, events.submitted("run-x", "w")));
    for (String rerun : List.of("run-b", "run-c")) {
      Event submitted = events.submitted(rerun, "w");
      store.append(
          List.of(
              submitted.toBuilder()
                  .setRunSubmitted(submitted.getRunSubmitted().toBuilder().setRerunOf("run-a"))
                  .build()));
    }
    assertThat(store.rerunsOf("run-a")).containsExactly("run-b", "run-c");
    assertThat(store.rerunsOf("run-x")).isEmpty();
    store.rebuildProjection();
    assertThat(store.rerunsOf("run-a")).containsExactly("run-b", "run-c");
  }

  @Test
  void globalAndRunSequencesAreGapFreeAcrossManyRunsAndBatches() {
    List<Event> pending = new ArrayList<>();
    for (int run = 0; run < 50; run++) {
      String runId = "run-" + run;
      pending.add(events.submitted(runId, "many"));
      for (int step = 0; step < run % 4; step++) {
        pending.add(events.stepStarted(runId, "step-" + step));
      }
      pending.add(run % 3 == 0 ? events.failed(runId) : events.succeeded(runId));
    }
    // Interleave the runs, as concurrent runs are, and cut the stream into batches of mixed sizes.
    List<Event> interleaved = interleaveByRun(pending);
    int[] batchSizes = {1, 4, 7, 2, 13, 3};
    int position = 0;
    for (int batch = 0; position < interleaved.size(); batch++) {
      int end = Math.min(interleaved.size(), position + batchSizes[batch % batchSizes.length]);
      List<Event> stored = store.append(interleaved.subList(position, end));
      assertThat(stored)
          .extracting(Event::getGlobalSeq)
          .containsExactlyElementsOf(LongStream.rangeClosed(position + 1, end).boxed().toList());
      position = end;
    }

    List<Event> all = store.readAll(0, ALL);
    assertThat(all)
        .extracting(Event::getGlobalSeq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, pending.size()).boxed().toList());
    assertThat(store.lastGlobalSeq()).isEqualTo(pending.size());
    for (int run = 0; run < 50; run++) {
      List<Event> ofRun = store.readRun("run-" + run, 0, ALL);
      assertThat(ofRun)
          .extracting(Event::getRunSeq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, run % 4 + 2).boxed().toList());
    }
    assertThat(readAllInPages(17)).containsExactlyElementsOf(all);
    assertThat(store.readRun("run-3", 2, 2)).extracting(Event::getRunSeq).containsExactly(3L, 4L);
    assertThat(store.readAll(all.size(), 10)).isEmpty();
  }

  @Test
  void eventsCannotBeUpdatedOrDeletedBehindTheStoresBack() throws SQLException {
    assumeTrue(hasRawAccess(), "the store keeps nothing that plain SQL reaches");
    store.append(List.of(events.submitted("run-a", "w"), events.stepStarted("run-a", "s")));
    List<Event> before = store.readAll(0, ALL);

    for (String tamper :
        List.of(
            "UPDATE events SET run_id = 'tampered'",
            "DELETE FROM events",
            "DELETE FROM events WHERE global_seq = 2")) {
      assertThatThrownBy(() -> executeRaw(tamper))
          .as(tamper)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("append-only");
    }
    assertThat(store.readAll(0, ALL)).containsExactlyElementsOf(before);
  }

  @Test
  void aBatchWithAGapIsRejectedWholeAndNothingIsWritten() {
    store.append(List.of(events.submitted("run-a", "w"), events.stepStarted("run-a", "s")));
    StoreStats statsBefore = store.stats();
    Event newRun = events.submitted("run-b", "w");
    Event gap = TestEvents.at(events.stepStarted("run-a", "t"), 4);

    assertThatThrownBy(() -> store.append(List.of(newRun, gap)))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("run-a")
        .hasMessageContaining("run_seq 4")
        .hasMessageContaining("is 3");

    assertNothingWrittenAfter(2, statsBefore);
    assertThat(store.findRun("run-b")).isEmpty();
    // A conflict leaves the store usable, and the rejected batch used no global seq.
    List<Event> stored = store.append(List.of(newRun));
    assertThat(stored.get(0).getGlobalSeq()).isEqualTo(3);
  }

  @Test
  void duplicateRunSeqsAreRejectedWhetherStoredOrInTheSameBatch() {
    store.append(List.of(events.submitted("run-a", "w"), events.stepStarted("run-a", "s")));
    StoreStats statsBefore = store.stats();
    Event third = events.stepStarted("run-a", "t");

    assertThatThrownBy(() -> store.append(List.of(third, third)))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("run_seq 3");
    assertThatThrownBy(() -> store.append(List.of(TestEvents.at(third, 2))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("run_seq 2");
    assertThatThrownBy(() -> store.append(List.of(TestEvents.at(third, 0))))
        .isInstanceOf(StoreConflictException.class);

    assertNothingWrittenAfter(2, statsBefore);
  }

  @Test
  void aRunStartsWithRunSubmittedExactlyOnce() {
    store.append(List.of(events.submitted("run-a", "w")));

    assertThatThrownBy(() -> store.append(List.of(events.stepStarted("run-x", "s"))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("RUN_SUBMITTED");
    assertThatThrownBy(
            () -> store.append(List.of(TestEvents.at(events.submitted("run-a", "w"), 2))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("already exists");
    assertThat(store.lastGlobalSeq()).isEqualTo(1);
  }

  @Test
  void aRequestIdCreatesAtMostOneRun() {
    store.append(List.of(events.submitted("run-a", "w", "req-1")));

    assertThatThrownBy(() -> store.append(List.of(events.submitted("run-b", "w", "req-1"))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("req-1")
        .hasMessageContaining("run-a");
    assertThatThrownBy(
            () ->
                store.append(
                    List.of(
                        events.submitted("run-c", "w", "req-2"),
                        events.submitted("run-d", "w", "req-2"))))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("req-2");

    assertThat(store.lastGlobalSeq()).isEqualTo(1);
    assertThat(store.runIdForRequest("req-1")).contains("run-a");
    assertThat(store.runIdForRequest("req-2")).isEmpty();
    assertThat(store.runIdForRequest("")).isEmpty();
    // Runs without a request id do not collide with each other.
    store.append(List.of(events.submitted("run-e", "w"), events.submitted("run-f", "w")));
    assertThat(store.lastGlobalSeq()).isEqualTo(3);
  }

  @Test
  void malformedEventsAreRefusedBeforeAnythingIsWritten() {
    Event valid = events.submitted("run-a", "w");

    assertThatThrownBy(() -> store.append(List.of(valid, valid.toBuilder().clearRunId().build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run_id");
    assertThatThrownBy(() -> store.append(List.of(valid.toBuilder().clearPayload().build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload");
    assertThatThrownBy(() -> store.append(List.of(valid.toBuilder().clearTime().build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("time");
    Event farFuture =
        valid.toBuilder().setTime(valid.getTime().toBuilder().setSeconds(Long.MAX_VALUE)).build();
    assertThatThrownBy(() -> store.append(List.of(farFuture)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid time");
    assertThat(store.lastGlobalSeq()).isZero();
    // A refused event is not a write failure: the store still accepts appends.
    assertThat(store.append(List.of(valid))).hasSize(1);
    assertThat(store.append(List.of())).isEmpty();
    assertThat(store.stats()).isEqualTo(new StoreStats(1, 1));
  }

  private void assertNothingWrittenAfter(long lastGlobalSeq, StoreStats statsBefore) {
    assertThat(store.lastGlobalSeq()).isEqualTo(lastGlobalSeq);
    assertThat(store.readAll(0, ALL)).hasSize((int) lastGlobalSeq);
    assertThat(store.stats()).isEqualTo(statsBefore);
  }

  @Test
  void reopeningGivesTheSameEventsAndRunsAndContinuesTheSequences() {
    store.append(List.of(events.submitted("run-a", "w", "req"), events.stepStarted("run-a", "s")));
    store.append(List.of(events.submitted("run-b", "w"), events.succeeded("run-b")));
    List<Event> eventsBefore = store.readAll(0, ALL);
    List<RunSummary> runsBefore = listAll();

    reopen();

    assertThat(store.readAll(0, ALL)).containsExactlyElementsOf(eventsBefore);
    assertThat(listAll()).containsExactlyElementsOf(runsBefore);
    assertThat(store.lastGlobalSeq()).isEqualTo(4);
    assertThat(store.runIdForRequest("req")).contains("run-a");
    List<Event> next = store.append(List.of(events.succeeded("run-a")));
    assertThat(next.get(0).getGlobalSeq()).isEqualTo(5);
    assertThat(next.get(0).getRunSeq()).isEqualTo(3);
  }

  @Test
  void statsCountCommitsAndEventsSinceOpen() {
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0));
    store.append(
        List.of(
            events.submitted("run-a", "w"),
            events.stepStarted("run-a", "s"),
            events.succeeded("run-a")));
    store.append(List.of(events.submitted("run-b", "w")));
    assertThatThrownBy(() -> store.append(List.of(events.submitted("run-b", "w"))))
        .isInstanceOf(StoreConflictException.class);

    assertThat(store.stats()).isEqualTo(new StoreStats(2, 4));
    reopen();
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void aClosedStoreRefusesEveryCall() {
    store.close();

    assertThatThrownBy(() -> store.readAll(0, 1))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.append(List.of(events.submitted("run-a", "w"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    store.close();
  }

  @Test
  void aReaderSeesAContiguousLogWhileTheWriterAppends() throws Exception {
    List<List<Event>> batches = new ArrayList<>();
    for (int run = 0; run < 40; run++) {
      String runId = "run-" + run;
      batches.add(List.of(events.submitted(runId, "w")));
      batches.add(List.of(events.stepStarted(runId, "a"), events.stepStarted(runId, "b")));
      batches.add(List.of(events.succeeded(runId)));
    }
    long total = batches.stream().mapToLong(List::size).sum();
    int half = batches.size() / 2;
    long halfEvents = batches.subList(0, half).stream().mapToLong(List::size).sum();
    CountDownLatch readerSawHalf = new CountDownLatch(1);
    ExecutorService writerThread = Executors.newSingleThreadExecutor();
    try {
      Future<?> writer =
          writerThread.submit(
              () -> {
                batches.subList(0, half).forEach(store::append);
                // Wait until the reader has seen a partly written log, so reads really overlap
                // writes.
                if (!readerSawHalf.await(20, TimeUnit.SECONDS)) {
                  throw new AssertionError("the reader never saw the first half of the log");
                }
                batches.subList(half, batches.size()).forEach(store::append);
                return null;
              });
      int reads = 0;
      long lastSize = 0;
      boolean sawPartial = false;
      while (true) {
        boolean writerDone = writer.isDone();
        List<Event> snapshot = store.readAll(0, ALL);
        reads++;
        assertContiguous(snapshot);
        assertThat((long) snapshot.size()).isGreaterThanOrEqualTo(lastSize);
        lastSize = snapshot.size();
        sawPartial |= lastSize > 0 && lastSize < total;
        if (lastSize >= halfEvents) {
          readerSawHalf.countDown();
        }
        if (writerDone) {
          break;
        }
      }
      writer.get(1, TimeUnit.SECONDS);
      assertThat(lastSize).isEqualTo(total);
      assertThat(sawPartial).isTrue();
      assertThat(reads).isGreaterThan(1);
    } finally {
      writerThread.shutdownNow();
      assertThat(writerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void assertContiguous(List<Event> snapshot) {
    Map<String, Long> lastRunSeqs = new HashMap<>();
    for (int i = 0; i < snapshot.size(); i++) {
      Event event = snapshot.get(i);
      assertThat(event.getGlobalSeq()).isEqualTo(i + 1);
      long expected = lastRunSeqs.merge(event.getRunId(), 1L, Long::sum);
      assertThat(event.getRunSeq()).isEqualTo(expected);
    }
  }

  private List<Event> readAllInPages(int pageSize) {
    List<Event> all = new ArrayList<>();
    List<Event> page;
    do {
      page = store.readAll(all.isEmpty() ? 0 : all.get(all.size() - 1).getGlobalSeq(), pageSize);
      all.addAll(page);
    } while (page.size() == pageSize);
    return all;
  }

  /** Takes one event of each run in turn, keeping every run's own order. */
  private static List<Event> interleaveByRun(List<Event> events) {
    LinkedHashMap<String, ArrayDeque<Event>> byRun = new LinkedHashMap<>();
    events.forEach(
        event -> byRun.computeIfAbsent(event.getRunId(), id -> new ArrayDeque<>()).add(event));
    List<Event> interleaved = new ArrayList<>();
    while (!byRun.isEmpty()) {
      byRun
          .values()
          .removeIf(
              queue -> {
                interleaved.add(queue.poll());
                return queue.isEmpty();
              });
    }
    return interleaved;
  }
}
