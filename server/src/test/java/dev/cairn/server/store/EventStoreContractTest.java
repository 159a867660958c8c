package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link EventStore} adapter must show. An adapter's test extends this class
 * and says how to open the store, and a plain JDBC connection to it, in a directory.
 */
public abstract class EventStoreContractTest {

  private static final int ALL = 100_000;

  @TempDir protected Path dir;

  protected EventStore store;
  protected final TestEvents events = new TestEvents();

  /** Opens the store kept in the directory, creating it when the directory is empty. */
  protected abstract EventStore openStore(Path dir);

  /** A plain JDBC connection to the store's database that bypasses the store. */
  protected abstract Connection openRawConnection(Path dir) throws SQLException;

  @BeforeEach
  void openTheStore() {
    store = openStore(dir);
  }

  @AfterEach
  void closeTheStore() {
    store.close();
  }

  protected void reopen() {
    store.close();
    store = openStore(dir);
  }

  protected void executeRaw(String sql) throws SQLException {
    try (Connection connection = openRawConnection(dir);
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

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
    assertThat(store.lastGlobalSeq()).isZero();
    assertThat(store.append(List.of())).isEmpty();
    assertThat(store.stats()).isEqualTo(new StoreStats(0, 0));
  }

  private void assertNothingWrittenAfter(long lastGlobalSeq, StoreStats statsBefore) {
    assertThat(store.lastGlobalSeq()).isEqualTo(lastGlobalSeq);
    assertThat(store.readAll(0, ALL)).hasSize((int) lastGlobalSeq);
    assertThat(store.stats()).isEqualTo(statsBefore);
  }

  @Test
  void theRunsProjectionFollowsTheEvents() {
    Event submitA = events.submitted("run-a", "deploy");
    store.append(List.of(submitA));
    assertThat(store.findRun("run-a"))
        .contains(
            RunSummary.newBuilder()
                .setRunId("run-a")
                .setName("deploy")
                .setStatus(RunStatus.RUN_STATUS_RUNNING)
                .setCreateTime(submitA.getTime())
                .build());

    store.append(List.of(events.stepStarted("run-a", "s")));
    assertThat(statusOf("run-a")).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    store.append(List.of(events.cancelRequested("run-a")));
    assertThat(statusOf("run-a")).isEqualTo(RunStatus.RUN_STATUS_CANCELLING);
    Event cancelledA = events.cancelled("run-a");
    store.append(List.of(cancelledA));
    RunSummary a = store.findRun("run-a").orElseThrow();
    assertThat(a.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    assertThat(a.getEndTime()).isEqualTo(cancelledA.getTime());
    assertThat(a.getCreateTime()).isEqualTo(submitA.getTime());

    // A whole life in one batch, and a cancel request that arrives after the end.
    store.append(
        List.of(
            events.submitted("run-b", "w"),
            events.stepStarted("run-b", "s"),
            events.succeeded("run-b")));
    store.append(List.of(events.cancelRequested("run-b")));
    assertThat(statusOf("run-b")).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    store.append(
        List.of(
            events.submitted("run-c", "w"),
            events.stepFailed("run-c", "s"),
            events.failed("run-c")));
    assertThat(statusOf("run-c")).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(store.findRun("run-b").orElseThrow().hasEndTime()).isTrue();
    assertThat(store.findRun("run-unknown")).isEmpty();
  }

  @Test
  void unfinishedRunsAreTheRunningAndCancellingOnesOldestFirst() {
    store.append(
        List.of(
            events.submitted("run-1", "w"),
            events.submitted("run-2", "w"),
            events.submitted("run-3", "w")));
    store.append(
        List.of(
            events.submitted("run-4", "w"),
            events.cancelRequested("run-1"),
            events.succeeded("run-2")));
    store.append(
        List.of(
            events.submitted("run-5", "w"),
            events.cancelRequested("run-5"),
            events.cancelled("run-5")));

    assertThat(store.unfinishedRunIds()).containsExactly("run-1", "run-3", "run-4");
  }

  @Test
  void listRunsFiltersByStatusAndName() {
    store.append(
        List.of(
            events.submitted("run-1", "build"),
            events.submitted("run-2", "test"),
            events.submitted("run-3", "build")));
    store.append(
        List.of(
            events.succeeded("run-1"), events.failed("run-2"), events.submitted("run-4", "build")));

    assertThat(listIds(new RunQuery(0, "", Set.of(), "")))
        .containsExactly("run-4", "run-3", "run-2", "run-1");
    assertThat(listIds(new RunQuery(0, "", Set.of(), "build")))
        .containsExactly("run-4", "run-3", "run-1");
    assertThat(listIds(new RunQuery(0, "", Set.of(RunStatus.RUN_STATUS_RUNNING), "build")))
        .containsExactly("run-4", "run-3");
    assertThat(
            listIds(
                new RunQuery(
                    0,
                    "",
                    Set.of(RunStatus.RUN_STATUS_SUCCEEDED, RunStatus.RUN_STATUS_FAILED),
                    "")))
        .containsExactly("run-2", "run-1");
    assertThat(listIds(new RunQuery(0, "", Set.of(RunStatus.RUN_STATUS_CANCELLED), ""))).isEmpty();
    assertThat(listIds(new RunQuery(0, "", Set.of(), "deploy"))).isEmpty();
  }

  @Test
  void pagesCoverEveryRunOnceNewestFirstWhileNewRunsArrive() {
    List<String> submitted = submitRuns("old", 23);
    List<String> seen = new ArrayList<>();
    RunQuery query = RunQuery.firstPage(5);
    int pages = 0;
    while (true) {
      RunPage page = store.listRuns(query);
      pages++;
      page.runs().forEach(run -> seen.add(run.getRunId()));
      // New runs between pages must neither appear nor shift what the next page holds.
      submitRuns("new-" + pages + "-", 2);
      if (page.nextPageToken().isEmpty()) {
        break;
      }
      assertThat(page.runs()).hasSize(5);
      query = query.withPageToken(page.nextPageToken());
    }
    assertThat(pages).isEqualTo(5);
    Collections.reverse(submitted);
    assertThat(seen).containsExactlyElementsOf(submitted);
  }

  @Test
  void pageSizeDefaultsTo50AndIsCappedAt1000() {
    submitRuns("r", 1001);

    assertThat(store.listRuns(RunQuery.firstPage(0)).runs()).hasSize(RunQuery.DEFAULT_PAGE_SIZE);
    RunPage capped = store.listRuns(RunQuery.firstPage(5000));
    assertThat(capped.runs()).hasSize(RunQuery.MAX_PAGE_SIZE);
    RunPage rest = store.listRuns(RunQuery.firstPage(5000).withPageToken(capped.nextPageToken()));
    assertThat(rest.runs()).extracting(RunSummary::getRunId).containsExactly("r0");
    assertThat(rest.nextPageToken()).isEmpty();
  }

  @Test
  void badPageRequestsAreRejectedWithClearMessages() {
    submitRuns("r", 3);
    String token = store.listRuns(RunQuery.firstPage(1)).nextPageToken();
    assertThat(token).isNotEmpty();

    assertThatThrownBy(() -> RunQuery.firstPage(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("page_size");
    for (String bad : List.of("not a token!", "aGVsbG8", "MTotNTph", token + "x")) {
      assertThatThrownBy(() -> store.listRuns(RunQuery.firstPage(1).withPageToken(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("page_token");
    }
    RunQuery otherFilter = new RunQuery(1, token, Set.of(RunStatus.RUN_STATUS_RUNNING), "");
    assertThatThrownBy(() -> store.listRuns(otherFilter))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("page_token");
  }

  @Test
  void rebuildingTheProjectionGivesTheSameRows() throws SQLException {
    store.append(
        List.of(events.submitted("run-1", "build", "req-1"), events.submitted("run-2", "test")));
    store.append(
        List.of(
            events.cancelRequested("run-1"),
            events.succeeded("run-2"),
            events.submitted("run-3", "build")));
    store.append(
        List.of(
            events.cancelled("run-1"),
            events.submitted("run-4", "x"),
            events.cancelRequested("run-4")));
    List<RunSummary> before = listAll();

    store.rebuildProjection();
    assertThat(listAll()).containsExactlyElementsOf(before);

    executeRaw("UPDATE runs SET status = 0, end_time_us = NULL, request_id = NULL");
    executeRaw("DELETE FROM runs WHERE run_id = 'run-3'");
    assertThat(listAll()).isNotEqualTo(before);
    store.rebuildProjection();
    assertThat(listAll()).containsExactlyElementsOf(before);
    assertThat(store.runIdForRequest("req-1")).contains("run-1");
    assertThat(store.unfinishedRunIds()).containsExactly("run-3", "run-4");
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

  private RunStatus statusOf(String runId) {
    return store.findRun(runId).orElseThrow().getStatus();
  }

  private List<String> listIds(RunQuery query) {
    return store.listRuns(query).runs().stream().map(RunSummary::getRunId).toList();
  }

  private List<RunSummary> listAll() {
    RunPage page = store.listRuns(RunQuery.firstPage(RunQuery.MAX_PAGE_SIZE));
    assertThat(page.nextPageToken()).isEmpty();
    return page.runs();
  }

  /** Submits runs named prefix0, prefix1... in one batch, oldest first, and returns their ids. */
  private List<String> submitRuns(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
      batch.add(events.submitted(prefix + i, "w"));
    }
    store.append(batch);
    return ids;
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
