package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.Event;
import dev.cairn.v1.GetServerStatsRequest;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.ServerServiceGrpc;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged servers on one PostgreSQL database, each owning the runs submitted to it: any of
 * them serves any client. A watcher on node A sees the events of runs submitted to B and C in
 * global order and resumes on C from its last sequence with no gap and no duplicate; a cancel sent
 * to a node that does not own the run cancels it; StreamLogs through a node that did not run the
 * attempt relays it from the node that did, and names that node once it is down. Needs the server
 * bin/test starts (CAIRN_TEST_POSTGRES_URL); skipped, saying so, without one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAccessIT {
  @TempDir static Path root;
  private static TestDatabase database;
  private static final List<ServerProcess> servers = new ArrayList<>();
  private static ServerProcess a;
  private static ServerProcess b;
  private static ServerProcess c;

  /**
   * One database and three nodes for the whole class, the first with a live-run limit of one; the
   * tests run in order, the one that kills a node last.
   */
  @BeforeAll
  static void startThreeNodes() throws Exception {
    database = TestDatabase.createOrSkip();
    // The nodes of one cluster share a token.
    String token = UUID.randomUUID().toString().replace("-", "");
    for (String name : List.of("a", "b", "c")) {
      Path dataDir = root.resolve(name);
      Files.createDirectories(dataDir);
      Path tokenFile = dataDir.resolve("token");
      Files.writeString(tokenFile, token, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
      List<String> settings = new ArrayList<>();
      settings.add("-Dcairn.store=" + database.storeUrl());
      if (servers.isEmpty()) {
        settings.add("-Dcairn.cluster.max-live-runs=1");
      }
      servers.add(ServerProcess.start(dataDir, settings.toArray(String[]::new)));
    }
    a = servers.get(0);
    b = servers.get(1);
    c = servers.get(2);
  }

  @AfterAll
  static void stopTheNodesAndDropTheDatabase() throws SQLException {
    servers.forEach(ServerProcess::close);
    if (database != null) {
      database.close();
    }
  }

  private static String nodeId(ServerProcess server) throws Exception {
    return Files.readString(server.dataDir().resolve("node-id"), StandardCharsets.UTF_8).trim();
  }

  @Test
  @Order(1)
  void aWatcherOnOneNodeSeesEveryRunInGlobalOrderAndResumesOnAnotherWithNoGapOrDuplicate()
      throws Exception {
    AllEventsWatcher onA = AllEventsWatcher.start(a, 0);

    Set<String> first = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      first.add(submit(i % 2 == 0 ? b : c, quick("first-" + i)));
    }
    onA.awaitEnded(first, Duration.ofSeconds(60));
    long resumeAfter = onA.lastSeq();
    onA.cancel();

    Set<String> second = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      second.add(submit(i % 2 == 0 ? a : b, quick("second-" + i)));
    }
    AllEventsWatcher onC = AllEventsWatcher.start(c, resumeAfter);
    onC.awaitEnded(second, Duration.ofSeconds(60));
    onC.cancel();

    // Every event, once, in global order, across the two watchers on two nodes.
    long head = onC.lastSeq();
    assertThat(onA.seqs()).containsExactlyElementsOf(range(1, resumeAfter));
    assertThat(onC.seqs()).containsExactlyElementsOf(range(resumeAfter + 1, head));
    List<Event> joined = new ArrayList<>(onA.events());
    joined.addAll(onC.events());
    List<Event> stored = new Runs(b).all().subList(0, (int) head);
    assertThat(joined).containsExactlyElementsOf(stored);
    History.assertTerminalLast(stored);

    // Every node answers GetRun and ListRuns for runs another node owns, from the shared tables.
    for (String runId : second) {
      assertThat(new Runs(c).get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    }
    Set<String> all = new HashSet<>(first);
    all.addAll(second);
    assertThat(
            c.stub().listRuns(ListRunsRequest.newBuilder().setPageSize(100).build()).getRunsList())
        .filteredOn(run -> all.contains(run.getRunId()))
        .hasSize(12)
        .allMatch(run -> run.getStatus() == RunStatus.RUN_STATUS_SUCCEEDED);
  }

  @Test
  @Order(2)
  void aCancelSentToANodeThatDoesNotOwnTheRunCancelsItAndARepeatedRequestIdIsOneRun()
      throws Exception {
    String runId = submit(b, Specs.workflow("long", Specs.shell("wait", "sleep 300")));
    new Runs(a)
        .awaitStatus(
            runId,
            run -> run.getSteps(0).getStatus() == dev.cairn.v1.StepStatus.STEP_STATUS_RUNNING,
            Duration.ofSeconds(30));

    // Rerun and delete need a finished run: any node says this one is not, from the shared tables.
    assertThatThrownBy(
            () ->
                a.stub()
                    .rerunRun(dev.cairn.v1.RerunRunRequest.newBuilder().setRunId(runId).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    assertThatThrownBy(
            () ->
                c.stub()
                    .deleteRun(dev.cairn.v1.DeleteRunRequest.newBuilder().setRunId(runId).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

    Instant asked = Instant.now();
    RunStatus answered =
        a.stub()
            .cancelRun(CancelRunRequest.newBuilder().setRunId(runId).setReason("from a").build())
            .getStatus();
    Duration took = Duration.between(asked, Instant.now());
    assertThat(answered).isIn(RunStatus.RUN_STATUS_CANCELLING, RunStatus.RUN_STATUS_CANCELLED);
    // Acknowledged once durable: the owner recorded RunCancelRequested before the answer came.
    List<Event> history = new Runs(c).follow(runId);
    assertThat(history).anyMatch(Event::hasRunCancelRequested);
    assertThat(history.get(history.size() - 1).hasRunCancelled()).isTrue();
    assertThat(
            history.stream()
                .filter(Event::hasRunCancelRequested)
                .findFirst()
                .orElseThrow()
                .getRunCancelRequested()
                .getReason())
        .isEqualTo("from a");
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    // A cancel of the finished run, on yet another node, answers its status as one server does.
    assertThat(
            c.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build()).getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_CANCELLED);

    SubmitRunRequest once =
        SubmitRunRequest.newBuilder().setSpec(quick("once")).setRequestId("req-1").build();
    SubmitRunResponse onA = a.stub().submitRun(once);
    SubmitRunResponse onB = b.stub().submitRun(once);
    assertThat(onB.getRunId()).isEqualTo(onA.getRunId());
    assertThat(onA.getExisting()).isFalse();
    assertThat(onB.getExisting()).isTrue();

    // Once it ended, a rerun on another node is a new run there, and a delete on a third removes
    // it for all.
    new Runs(c).awaitStatus(onA.getRunId(), Runs::terminal, Duration.ofSeconds(60));
    String rerun =
        c.stub()
            .rerunRun(
                dev.cairn.v1.RerunRunRequest.newBuilder()
                    .setRunId(onA.getRunId())
                    .addSteps("one")
                    .build())
            .getRunId();
    assertThat(new Runs(a).awaitStatus(rerun, Runs::terminal, Duration.ofSeconds(60)).getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    b.stub().deleteRun(dev.cairn.v1.DeleteRunRequest.newBuilder().setRunId(runId).build());
    assertThatThrownBy(() -> new Runs(a).get(runId))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  @Order(5)
  void streamLogsThroughANodeThatDidNotRunTheAttemptAndWhatItSaysOnceThatNodeIsDown()
      throws Exception {
    Path gate = root.resolve("talk-may-start");
    String runId =
        submit(
            b,
            Specs.workflow(
                "talk",
                Specs.shell("gate", "while [ ! -e '" + gate + "' ]; do sleep 0.05; done"),
                Specs.shell("say", "for i in 1 2 3; do echo line-$i; done; echo done", "gate")));
    // Followed on a before the step has started: a waits for it, then relays it from b.
    CompletableFuture<String> followed = CompletableFuture.supplyAsync(() -> logs(a, runId, true));
    Files.writeString(gate, "");
    new Runs(a).awaitStatus(runId, Runs::terminal, Duration.ofSeconds(60));

    String expected = "line-1\nline-2\nline-3\ndone\n";
    assertThat(followed.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(logs(a, runId, false)).isEqualTo(expected);
    assertThat(logs(b, runId, false)).isEqualTo(expected);
    // Followed, it ends at the end of a finished attempt, as on one server.
    assertThat(logs(a, runId, true)).isEqualTo(expected);
    // The HTTP API's output stream is relayed the same way.
    StringBuilder overHttp = new StringBuilder();
    try (HttpApiClient.Sse sse =
        new HttpApiClient(a)
            .stream("/api/v1/runs/" + runId + "/steps/say/output?follow=false", a.token(), null)) {
      for (HttpApiClient.Frame frame = sse.next(); frame != null; frame = sse.next()) {
        if (frame.event().equals("output")) {
          StreamLogsResponse.Builder chunk = StreamLogsResponse.newBuilder();
          com.google.protobuf.util.JsonFormat.parser().merge(frame.data(), chunk);
          overHttp.append(chunk.getData().toString(StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(overHttp.toString()).isEqualTo(expected);
    // The file is on b only: a's data directory holds no output of the run.
    assertThat(Files.exists(a.dataDir().resolve("logs").resolve(runId))).isFalse();

    String bId = nodeId(b);
    b.kill9();
    assertThatThrownBy(() -> logs(a, runId, false))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("node " + bId);
            });
  }

  @Test
  @Order(3)
  void theSameRequestIdSentToEveryNodeAtOnceIsOneRun() throws Exception {
    java.util.concurrent.ExecutorService clients =
        java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      for (int i = 0; i < 10; i++) {
        SubmitRunRequest request =
            SubmitRunRequest.newBuilder()
                .setSpec(quick("raced"))
                .setRequestId("raced-" + i)
                .build();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(3);
        List<java.util.concurrent.Future<SubmitRunResponse>> answers = new ArrayList<>();
        for (ServerProcess node : servers) {
          answers.add(
              clients.submit(
                  () -> {
                    together.await();
                    return node.stub().submitRun(request);
                  }));
        }
        Set<String> runIds = new HashSet<>();
        int created = 0;
        for (var answer : answers) {
          SubmitRunResponse response = answer.get(60, TimeUnit.SECONDS);
          runIds.add(response.getRunId());
          created += response.getExisting() ? 0 : 1;
        }
        assertThat(runIds).as("request raced-" + i).hasSize(1);
        assertThat(created).as("request raced-" + i).isEqualTo(1);
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(servers).allMatch(ServerProcess::alive);
  }

  @Test
  @Order(4)
  void aNodeAtItsLiveRunLimitPlacesASubmitOnTheLeastLoadedNode() throws Exception {
    // The runs of the tests before may still be ending on a; at its limit of one, a would place
    // this first run elsewhere.
    Cluster.await("node a owning no live run", Duration.ofSeconds(60), () -> liveRuns(a) == 0);
    String first = submit(a, Specs.workflow("long", Specs.shell("wait", "sleep 300")));
    new Runs(a)
        .awaitStatus(
            first,
            run -> run.getSteps(0).getStatus() == dev.cairn.v1.StepStatus.STEP_STATUS_RUNNING,
            Duration.ofSeconds(30));
    assertThat(owner(first)).isEqualTo(nodeId(a));

    Set<String> others = Set.of(nodeId(b), nodeId(c));
    awaitSeenIdle(others);
    String placed = submit(a, quick("placed"));
    String placedOwner = owner(placed);
    if (placedOwner == null) {
      // The quick run may have ended already and dropped its lease: its steps say where it ran.
      placedOwner = markerNode(a, placed);
    }
    assertThat(placedOwner).isIn(others);
    assertThat(new Runs(a).awaitStatus(placed, Runs::terminal, Duration.ofSeconds(60)).getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    // Sent to b itself, which is under no limit, a submit stays there.
    String kept = submit(b, quick("kept"));
    assertThat(markerNode(a, awaitEnded(a, kept))).isEqualTo(nodeId(b));
    // A submit another node placed on a is kept there, at its limit or not: it moves at most once.
    io.grpc.Metadata placedBy = new io.grpc.Metadata();
    placedBy.put(
        io.grpc.Metadata.Key.of("cairn-placed-by-node", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "1");
    String landed =
        a.stub()
            .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(placedBy))
            .submitRun(SubmitRunRequest.newBuilder().setSpec(quick("landed")).build())
            .getRunId();
    assertThat(markerNode(a, awaitEnded(a, landed))).isEqualTo(nodeId(a));
    a.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(first).build());
    new Runs(a).awaitStatus(first, Runs::terminal, Duration.ofSeconds(30));
  }

  /**
   * Waits until the nodes said they own no live run and a has read that: a reads what the nodes
   * serve right after it says what it serves, so two of its reports after theirs mean one read.
   */
  private static void awaitSeenIdle(Set<String> nodes) throws Exception {
    String ids = "'" + String.join("','", nodes) + "'";
    java.sql.Timestamp idleSince =
        database.awaitTimestamp(
            "SELECT max(seen_at) FROM node_services WHERE node_id IN ("
                + ids
                + ")"
                + " HAVING count(*) = "
                + nodes.size()
                + " AND max(live_runs) = 0",
            null);
    String own = "SELECT seen_at FROM node_services WHERE node_id = '" + nodeId(a) + "'";
    database.awaitTimestamp(own, database.awaitTimestamp(own, idleSince));
  }

  private static int liveRuns(ServerProcess server) {
    return ServerServiceGrpc.newBlockingStub(server.channel())
        .withCallCredentials(ServerProcess.bearer(server.token()))
        .getServerStats(GetServerStatsRequest.getDefaultInstance())
        .getLiveRuns();
  }

  private static String awaitEnded(ServerProcess server, String runId) {
    new Runs(server).awaitStatus(runId, Runs::terminal, Duration.ofSeconds(60));
    return runId;
  }

  /** The node whose marker prefix the run's first attempt carries: the node that ran it. */
  private static String markerNode(ServerProcess server, String runId) {
    new Runs(server).awaitStatus(runId, Runs::terminal, Duration.ofSeconds(60));
    String node =
        new Runs(server)
            .follow(runId).stream()
                .filter(Event::hasStepStarted)
                .findFirst()
                .orElseThrow()
                .getStepStarted()
                .getNodeId();
    return node;
  }

  /** The node holding the run's lease, or null when it has none (it ended). */
  private static String owner(String runId) throws SQLException {
    return database.string("SELECT node_id FROM run_leases WHERE run_id = '" + runId + "'");
  }

  private static String logs(ServerProcess server, String runId, boolean follow) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server
        .stub()
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .streamLogs(
            StreamLogsRequest.newBuilder()
                .setRunId(runId)
                .setStepId("say")
                .setFollow(follow)
                .build())
        .forEachRemaining(
            (StreamLogsResponse chunk) -> out.writeBytes(chunk.getData().toByteArray()));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static WorkflowSpec quick(String name) {
    return Specs.workflow(name, Specs.shell("one", "true"), Specs.shell("two", "true", "one"));
  }

  private static String submit(ServerProcess server, WorkflowSpec spec) {
    return new Runs(server).submit(spec);
  }

  private static List<Long> range(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }
}
