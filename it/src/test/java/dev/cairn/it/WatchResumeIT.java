package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WatchEvents resumes after a disconnect with no gap and no duplicate. */
class WatchResumeIT extends SharedServer {

  @Test
  void reconnectWithAfterSeqContinuesExactlyWhereTheClientLeftOff() throws Exception {
    String runId =
        runs.submit(
            workflow(
                "watch",
                shell("one", "sleep 0.2"),
                shell("two", "sleep 0.2", "one"),
                shell("three", "sleep 0.2", "two"),
                shell("four", "sleep 0.2", "three")));
    int k = 3;
    List<Event> first = new ArrayList<>();
    Context.CancellableContext context = Context.current().withCancellation();
    context.run(
        () -> {
          Iterator<WatchEventsResponse> stream =
              server
                  .stub()
                  .watchEvents(
                      WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build());
          while (first.size() < k && stream.hasNext()) {
            first.add(stream.next().getEvent());
          }
        });
    context.cancel(null);
    assertThat(first).hasSize(k);
    assertThat(runs.get(runId).getLastSeq()).as("the run is still live").isLessThan(12);

    List<Event> rest = new ArrayList<>();
    server
        .stub()
        .watchEvents(
            WatchEventsRequest.newBuilder()
                .setRunId(runId)
                .setAfterSeq(first.get(k - 1).getRunSeq())
                .setFollow(true)
                .build())
        .forEachRemaining(response -> rest.add(response.getEvent()));

    List<Event> combined = new ArrayList<>(first);
    combined.addAll(rest);
    for (int i = 0; i < combined.size(); i++) {
      assertThat(combined.get(i).getRunSeq()).isEqualTo(i + 1);
    }
    assertThat(combined.get(combined.size() - 1).hasRunSucceeded()).isTrue();
    List<Event> stored = new ArrayList<>();
    server
        .stub()
        .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).build())
        .forEachRemaining(response -> stored.add(response.getEvent()));
    assertThat(combined).isEqualTo(stored);
  }

  @Test
  void allRunsStreamResumesOnTheGlobalSequence() {
    String a = runs.submit(workflow("global-a", shell("x", "true")));
    String b = runs.submit(workflow("global-b", shell("y", "true")));
    runs.follow(a);
    runs.follow(b);
    List<Event> all = runs.all();
    long middle = all.get(all.size() / 2).getGlobalSeq();
    List<Event> tail = new ArrayList<>();
    server
        .stub()
        .watchEvents(WatchEventsRequest.newBuilder().setAfterSeq(middle).build())
        .forEachRemaining(response -> tail.add(response.getEvent()));
    assertThat(tail).isEqualTo(all.subList(all.size() / 2 + 1, all.size()));
  }
}
