package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The runs-projection part of the store contract: statuses, lookups, listing and rebuilding.
 * Adapters run it through {@link EventStoreContractTest}.
 */
public abstract class RunsProjectionContract extends EventStoreFixture {

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

    damageProjection("run-3");
    // Reading the tampered rows now would report them damaged (their checksums no longer match)
    // and stop the store's writes; rebuilding first shows that the rows come back from the events.
    store.rebuildProjection();
    assertThat(listAll()).containsExactlyElementsOf(before);
    assertThat(store.runIdForRequest("req-1")).contains("run-1");
    assertThat(store.unfinishedRunIds()).containsExactly("run-3", "run-4");
  }
}
