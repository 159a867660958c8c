package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.Run;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged servers on one PostgreSQL database, with a short lease (3 s) so that takeovers
 * happen within seconds: runs submitted to any node all complete and exist once; a node killed with
 * SIGKILL, or paused with SIGSTOP past its lease, has its runs taken over by the others, its
 * processes gone first, and none of its appends after the takeover.
 *
 * <p>The tests share one cluster, in order; a test that stops a node starts it again at its end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Duration LEASE = Duration.ofSeconds(3);

  /** A step whose first attempt outlasts any lease here, and whose later attempts are short. */
  private static final String LONG_FIRST_ATTEMPT =
      "if [ \"$CAIRN_ATTEMPT\" = 1 ]; then sleep 60; else sleep 0.2; fi";

  private Cluster cluster;

  @BeforeAll
  void startTheCluster(@TempDir Path root) throws Exception {
    cluster =
        Cluster.start(
            root,
            "-Dcairn.cluster.lease-time=" + LEASE.toMillis() + "ms",
            "-Dcairn.cluster.lease-margin=1500ms",
            "-Dcairn.stop-grace=1s");
  }

  @AfterAll
  void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void runsSubmittedRoundRobinAllCompleteAndEachRequestMakesOneRun() throws Exception {
    int count = 12;
    List<String> runIds = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      WorkflowSpec spec =
          Specs.workflow(
              "round-robin-" + index,
              Specs.shell("first", "true"),
              Specs.shell("second", "test -n \"$CAIRN_RUN_ID\"", "first"));
      runIds.add(submit(index % cluster.size(), spec, "round-robin-" + index));
    }
    // The same request sent to another node is the same run.
    for (int index = 0; index < cluster.size(); index++) {
      WorkflowSpec spec =
          Specs.workflow(
              "round-robin-" + index,
              Specs.shell("first", "true"),
              Specs.shell("second", "test -n \"$CAIRN_RUN_ID\"", "first"));
      assertThat(submit((index + 1) % cluster.size(), spec, "round-robin-" + index))
          .isEqualTo(runIds.get(index));
    }

    // The same request sent to two nodes at once is one run: the node that loses the race is
    // refused by the database, answers UNAVAILABLE, and finds the run when asked again.
    int races = 4;
    for (int index = 0; index < races; index++) {
      WorkflowSpec spec = Specs.workflow("race-" + index, Specs.shell("only", "true"));
      String requestId = "race-" + index;
      int first = index % cluster.size();
      int second = (index + 1) % cluster.size();
      CompletableFuture<String> one =
          CompletableFuture.supplyAsync(() -> submitRetrying(first, spec, requestId));
      CompletableFuture<String> other =
          CompletableFuture.supplyAsync(() -> submitRetrying(second, spec, requestId));
      assertThat(one.get(30, TimeUnit.SECONDS)).isEqualTo(other.get(30, TimeUnit.SECONDS));
      runIds.add(one.get());
    }

    List<Run> runs = cluster.awaitFinished(0, runIds, Duration.ofSeconds(60));
    assertThat(runs).allMatch(Cluster::succeeded);
    assertThat(new HashSet<>(runIds)).hasSize(count + races);
    assertThat(cluster.queryLong("SELECT count(*) FROM runs WHERE request_id LIKE 'race-%'"))
        .isEqualTo(races);
    assertThat(cluster.queryLong("SELECT count(*) FROM runs WHERE request_id LIKE 'round-robin-%'"))
        .isEqualTo(count);
    // Each run ran on the node it was submitted to, so every node ran steps.
    Set<String> nodes = new HashSet<>();
    for (String runId : runIds.subList(0, count)) {
      List<Event> events = cluster.events(runId);
      History.assertNoOverlappingAttempts(events);
      events.stream()
          .filter(Event::hasStepStarted)
          .forEach(event -> nodes.add(event.getStepStarted().getNodeId()));
    }
    assertThat(nodes).containsExactlyInAnyOrderElementsOf(Cluster.NODE_IDS);
  }

  @Test
  @Order(2)
  void aKilledNodesRunsFinishOnTheOthersAfterItsProcessesAreGone() throws Exception {
    int victim = 0;
    List<String> runIds = new ArrayList<>();
    for (int index = 0; index < 3; index++) {
      runIds.add(submit(victim, longFirstAttempt("killed-" + index), ""));
    }
    List<StepStarted> firsts = awaitFirstAttempts(runIds);
    assertThat(firsts).allMatch(started -> started.getNodeId().equals("node-a"));

    Instant killed = Instant.now();
    cluster.node(victim).kill9();
    // The steps die with their server (parent-death signal): nothing of them is left.
    Cluster.await(
        "the killed node's step processes to be gone", Duration.ofSeconds(5), () -> gone(firsts));
    Instant gone = Instant.now();

    List<Run> runs = cluster.awaitFinished(1, runIds, Duration.ofSeconds(30));
    assertThat(runs).allMatch(Cluster::succeeded);
    long latestTakeover = 0;
    for (String runId : runIds) {
      List<Event> events = cluster.events(runId);
      History.assertNoOverlappingAttempts(events);
      Event lost = only(events, e -> e.hasStepFailed() && e.getStepFailed().getAttempt() == 1);
      assertThat(lost.getStepFailed().getReason()).isEqualTo(FailureReason.FAILURE_REASON_LOST);
      Event second = only(events, e -> e.hasStepStarted() && e.getStepStarted().getAttempt() == 2);
      assertThat(second.getStepStarted().getNodeId()).isIn("node-b", "node-c");
      // No attempt began before the previous attempt's processes were gone, and the takeover came
      // within the lease time and a few seconds.
      assertThat(Runs.time(second)).isAfter(gone);
      assertThat(Duration.between(killed, Runs.time(second))).isLessThan(LEASE.plusSeconds(5));
      latestTakeover =
          Math.max(latestTakeover, Duration.between(killed, Runs.time(second)).toMillis());
    }
    System.out.printf(
        "kill -9: step processes gone %d ms after the kill, last second attempt started %d ms"
            + " after it (lease %d ms)%n",
        Duration.between(killed, gone).toMillis(), latestTakeover, LEASE.toMillis());
    cluster.launch(victim);
  }

  @Test
  @Order(3)
  void aPausedNodeLosesItsRunsStopsItsProcessesWritesNothingMoreAndRejoins() throws Exception {
    int victim = 1;
    List<String> runIds = new ArrayList<>();
    for (int index = 0; index < 2; index++) {
      // "quick" ends while the node is paused: its exit is noticed only after SIGCONT, when the
      // run is no longer the node's, so recording it must be refused.
      WorkflowSpec spec =
          Specs.workflow(
              "paused-" + index,
              Specs.shell("long", LONG_FIRST_ATTEMPT).toBuilder()
                  .setRetry(Specs.retry(3, 100, 2.0, 0))
                  .build(),
              Specs.shell("quick", "sleep 1").toBuilder()
                  .setRetry(Specs.retry(3, 100, 2.0, 0))
                  .build());
      runIds.add(submit(victim, spec, ""));
    }
    List<StepStarted> firsts = awaitFirstAttempts(runIds);
    assertThat(firsts).allMatch(started -> started.getNodeId().equals("node-b"));
    String oldBoot = firsts.get(0).getBootId();
    long pid = cluster.node(victim).pid();

    signal("STOP", pid);
    try {
      // The others take the runs over once the lease ran out: the attempts that ran are LOST.
      Cluster.await(
          "a takeover of the paused node's runs",
          LEASE.plusSeconds(8),
          () -> runIds.stream().allMatch(this::hasLostAttempt));
    } finally {
      signal("CONT", pid);
    }
    // Resumed, the node finds it can no longer renew those leases, and stops their processes.
    Instant resumed = Instant.now();
    Cluster.await(
        "the paused node's stale step processes to be gone",
        Duration.ofSeconds(6),
        () -> gone(firsts));
    System.out.printf(
        "SIGSTOP: stale step processes gone %d ms after SIGCONT%n",
        Duration.between(resumed, Instant.now()).toMillis());

    List<Run> runs = cluster.awaitFinished(0, runIds, Duration.ofSeconds(30));
    assertThat(runs).allMatch(Cluster::succeeded);
    for (String runId : runIds) {
      List<Event> events = cluster.events(runId);
      History.assertNoOverlappingAttempts(events);
      int takeover = firstIndex(events, e -> lostAttempt(e));
      for (Event event : events.subList(takeover, events.size())) {
        if (event.hasStepStarted()) {
          assertThat(event.getStepStarted().getBootId())
              .as("a start after the takeover from the paused node's old boot")
              .isNotEqualTo(oldBoot);
        }
        assertThat(event.hasStepSucceeded() && event.getStepSucceeded().getAttempt() == 1)
            .as("the paused node's first attempt recorded after the takeover: %s", event)
            .isFalse();
      }
    }

    // It rejoined healthy: it takes work and runs it.
    Cluster.await(
        "the resumed node to be ready", Duration.ofSeconds(15), () -> ready(cluster.node(victim)));
    String after = submit(victim, Specs.workflow("after-pause", Specs.shell("a", "true")), "");
    assertThat(cluster.awaitFinished(victim, List.of(after), Duration.ofSeconds(20)))
        .allMatch(Cluster::succeeded);
    assertThat(cluster.events(after).stream().filter(Event::hasStepStarted))
        .allMatch(e -> e.getStepStarted().getNodeId().equals("node-b"));
  }

  @Test
  @Order(4)
  void aNodeCutOffFromTheDatabaseStopsItsStepsBeforeTheOthersTakeOverAndRejoins() throws Exception {
    int victim = 2;
    List<String> runIds = new ArrayList<>();
    for (int index = 0; index < 2; index++) {
      runIds.add(submit(victim, longFirstAttempt("cut-off-" + index), ""));
    }
    List<StepStarted> firsts = awaitFirstAttempts(runIds);
    assertThat(firsts).allMatch(started -> started.getNodeId().equals("node-c"));

    // The node's database sessions stop answering, as behind a partition that drops packets:
    // its renewals hang, nothing tells it the connection is gone.
    List<Long> sessions = cluster.sessionsOf(victim);
    assertThat(sessions).isNotEmpty();
    Instant gone;
    Instant cutAt = Instant.now();
    try {
      for (long session : sessions) {
        // The database's processes belong to its own user: root (as in CI) may signal them.
        assumeTrue(
            trySignal("STOP", session),
            "cannot signal the database's processes: this test needs root or the database's user");
      }
      // It stops its steps by itself, before its leases can run out on the database.
      Cluster.await(
          "the cut-off node's steps to be stopped", Duration.ofSeconds(8), () -> gone(firsts));
      gone = Instant.now();
      System.out.printf(
          "cut off: steps stopped %d ms after the database stopped answering (lease %d ms, margin"
              + " 1500 ms)%n",
          Duration.between(cutAt, gone).toMillis(), LEASE.toMillis());
      Cluster.await(
          "the cut-off node to say it is not ready",
          Duration.ofSeconds(5),
          () -> !ready(cluster.node(victim)));
      Cluster.await(
          "a takeover of the cut-off node's runs",
          LEASE.plusSeconds(8),
          () -> runIds.stream().allMatch(this::hasLostAttempt));
    } finally {
      for (long session : sessions) {
        trySignal("CONT", session);
      }
    }
    List<Run> runs = cluster.awaitFinished(0, runIds, Duration.ofSeconds(30));
    assertThat(runs).allMatch(Cluster::succeeded);
    for (String runId : runIds) {
      List<Event> events = cluster.events(runId);
      History.assertNoOverlappingAttempts(events);
      Event second = only(events, e -> e.hasStepStarted() && e.getStepStarted().getAttempt() == 2);
      assertThat(second.getStepStarted().getNodeId()).isIn("node-a", "node-b");
      assertThat(Runs.time(second)).isAfter(gone);
    }
    // Reachable again, it joins again and takes work.
    Cluster.await(
        "the node to be ready again", Duration.ofSeconds(20), () -> ready(cluster.node(victim)));
    String after = submit(victim, Specs.workflow("after-cut", Specs.shell("a", "true")), "");
    assertThat(cluster.awaitFinished(victim, List.of(after), Duration.ofSeconds(20)))
        .allMatch(Cluster::succeeded);
    assertThat(cluster.node(victim).logText()).contains("joined again");
  }

  private String submit(int node, WorkflowSpec spec, String requestId) {
    return cluster
        .node(node)
        .stub()
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .submitRun(SubmitRunRequest.newBuilder().setSpec(spec).setRequestId(requestId).build())
        .getRunId();
  }

  /** Submits, trying again while the node answers UNAVAILABLE, as a client would. */
  private String submitRetrying(int node, WorkflowSpec spec, String requestId) {
    for (int attempt = 1; ; attempt++) {
      try {
        return submit(node, spec, requestId);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt == 5) {
          throw e;
        }
        ServerProcess.pause(100);
      }
    }
  }

  private static WorkflowSpec longFirstAttempt(String name) {
    StepSpec step =
        Specs.shell("long", LONG_FIRST_ATTEMPT).toBuilder()
            .setRetry(Specs.retry(3, 100, 2.0, 0))
            .build();
    return Specs.workflow(name, step, Specs.shell("after", "true", "long"));
  }

  /** Waits until attempt 1 of every run's first step started; returns those starts. */
  private List<StepStarted> awaitFirstAttempts(List<String> runIds) {
    List<StepStarted> starts = new ArrayList<>();
    Cluster.await(
        "the first attempts to start",
        Duration.ofSeconds(20),
        () -> {
          starts.clear();
          for (String runId : runIds) {
            events(runId).stream()
                .filter(e -> e.hasStepStarted() && e.getStepStarted().getAttempt() == 1)
                .map(Event::getStepStarted)
                .forEach(starts::add);
          }
          return starts.size() >= runIds.size()
              && runIds.stream()
                  .allMatch(
                      runId ->
                          events(runId).stream().filter(e -> e.hasStepStarted()).count()
                              == stepsOf(runId));
        });
    return List.copyOf(starts);
  }

  private long stepsOf(String runId) {
    return events(runId).get(0).getRunSubmitted().getSpec().getStepsList().stream()
        .filter(step -> step.getDependsOnCount() == 0)
        .count();
  }

  private List<Event> events(String runId) {
    try {
      return cluster.events(runId);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean hasLostAttempt(String runId) {
    return events(runId).stream().anyMatch(ClusterIT::lostAttempt);
  }

  private static boolean lostAttempt(Event event) {
    return event.hasStepFailed()
        && event.getStepFailed().getReason() == FailureReason.FAILURE_REASON_LOST;
  }

  /** Whether no process of these attempts is alive: their groups and their markers. */
  private static boolean gone(List<StepStarted> starts) {
    for (StepStarted started : starts) {
      if (ProcScan.alive(started.getPid())
          || !ProcScan.withEnvironment("CAIRN_MARKER=" + started.getMarker()).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static boolean ready(ServerProcess node) {
    try {
      return node.http("/q/health/ready").status() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Event only(List<Event> events, java.util.function.Predicate<Event> which) {
    List<Event> found = events.stream().filter(which).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static int firstIndex(List<Event> events, java.util.function.Predicate<Event> which) {
    for (int index = 0; index < events.size(); index++) {
      if (which.test(events.get(index))) {
        return index;
      }
    }
    throw new AssertionError("no such event");
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    assertThat(trySignal(signal, pid)).as("kill -%s %d", signal, pid).isTrue();
  }

  private static boolean trySignal(String signal, long pid)
      throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return kill.waitFor() == 0;
  }
}
