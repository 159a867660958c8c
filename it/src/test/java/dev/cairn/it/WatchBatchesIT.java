package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * WatchEvents with max_batch carries the same events as one event per message, stored and live, in
 * batches no larger than asked, and resumes after after_seq alike.
 */
class WatchBatchesIT extends SharedServer {

  @Test
  void batchesCarryTheSameEventsAsSingleMessages() {
    String first = runs.submit(workflow("batch-a", shell("x", "true"), shell("y", "true", "x")));
    runs.follow(first);
    List<Event> single = runs.all();

    List<WatchEventsResponse> responses = new ArrayList<>();
    server
        .stub()
        .watchEvents(WatchEventsRequest.newBuilder().setMaxBatch(3).build())
        .forEachRemaining(responses::add);

    List<Event> batched = new ArrayList<>();
    for (WatchEventsResponse response : responses) {
      assertThat(response.hasEvent()).isFalse();
      assertThat(response.getEventsCount()).isBetween(1, 3);
      batched.addAll(response.getEventsList());
    }
    assertThat(batched).isEqualTo(single);
    assertThat(responses.size()).as("events were batched").isLessThan(single.size());

    long middle = single.get(single.size() / 2).getGlobalSeq();
    List<Event> tail = new ArrayList<>();
    server
        .stub()
        .watchEvents(WatchEventsRequest.newBuilder().setAfterSeq(middle).setMaxBatch(100).build())
        .forEachRemaining(response -> tail.addAll(response.getEventsList()));
    assertThat(tail).isEqualTo(single.subList(single.size() / 2 + 1, single.size()));
  }

  @Test
  void aFollowedRunStreamInBatchesEndsWithItsTerminalEventAndNoGap() {
    String runId =
        runs.submit(
            workflow(
                "batch-live",
                shell("one", "sleep 0.1"),
                shell("two", "sleep 0.1", "one"),
                shell("three", "true", "two")));
    List<Event> events = new ArrayList<>();
    server
        .stub()
        .watchEvents(
            WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).setMaxBatch(64).build())
        .forEachRemaining(response -> events.addAll(response.getEventsList()));
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getRunSeq()).isEqualTo(i + 1);
    }
    assertThat(events.get(events.size() - 1).hasRunSucceeded()).isTrue();
    List<Event> stored = new ArrayList<>();
    server
        .stub()
        .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).build())
        .forEachRemaining(response -> stored.add(response.getEvent()));
    assertThat(events).isEqualTo(stored);
  }
}
