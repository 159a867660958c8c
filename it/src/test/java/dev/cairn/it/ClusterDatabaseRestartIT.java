package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarted under load, with three nodes on it: every node connects again by itself,
 * every submit a client saw acknowledged exists exactly once and finishes, and while the database
 * is down clients get UNAVAILABLE, never a wrong answer (a run that exists reported unknown). Needs
 * the server bin/test starts, and its directory (CAIRN_TEST_POSTGRES_DIR) to restart it.
 */
class ClusterDatabaseRestartIT {
  private static final Path REPO = Path.of(System.getProperty("cairn.repo"));

  @Test
  void nodesReconnectAndNothingAcknowledgedIsLost(@TempDir Path root) throws Exception {
    String pgDir = System.getenv("CAIRN_TEST_POSTGRES_DIR");
    assumeTrue(
        pgDir != null && !pgDir.isBlank(),
        "no PostgreSQL server this test may restart: set CAIRN_TEST_POSTGRES_DIR (bin/test does)");
    // A lease long enough to outlast the restart: the nodes keep their runs.
    try (Cluster cluster =
        Cluster.start(
            root,
            "-Dcairn.cluster.lease-time=10s",
            "-Dcairn.cluster.lease-margin=3s",
            "-Dcairn.stop-grace=1s")) {
      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      Map<String, Integer> refusals = new ConcurrentSkipListMap<>();
      List<String> sent = new CopyOnWriteArrayList<>();
      String startedBefore = postmasterStart(cluster);
      Instant endAt = Instant.now().plusSeconds(8);
      // One client per node, each submitting and reading back as fast as it is answered.
      List<Thread> clients = new ArrayList<>();
      for (int node = 0; node < cluster.size(); node++) {
        int own = node;
        Thread client =
            new Thread(
                () -> {
                  for (int index = 0; Instant.now().isBefore(endAt); index++) {
                    String requestId = "load-" + own + "-" + index;
                    sent.add(requestId);
                    try {
                      acknowledged.put(requestId, submit(cluster, own, requestId));
                    } catch (StatusRuntimeException e) {
                      refusals.merge(e.getStatus().getCode().name(), 1, Integer::sum);
                    }
                    readBack(cluster, (own + 1) % cluster.size(), acknowledged, refusals);
                    ServerProcess.pause(20);
                  }
                },
                "client-" + own);
        client.start();
        clients.add(client);
      }
      // Down for two seconds in the middle of the load.
      ServerProcess.pause(2_000);
      restartPostgres(pgDir, 2);
      for (Thread client : clients) {
        client.join();
      }
      assertThat(postmasterStart(cluster)).as("the database restarted").isNotEqualTo(startedBefore);
      assertThat(refusals.keySet())
          .as("what clients were told while the database was down")
          .allMatch(code -> code.endsWith("UNAVAILABLE"));
      assertThat(refusals).as("the restart was seen by clients").isNotEmpty();

      // A client tries its refused requests again: each becomes one run, or already was one.
      for (String requestId : sent) {
        if (!acknowledged.containsKey(requestId)) {
          acknowledged.put(requestId, submitUntilAccepted(cluster, requestId));
        }
      }
      for (String requestId : sent) {
        assertThat(
                cluster.queryLong(
                    "SELECT count(*) FROM runs WHERE request_id = '"
                        + requestId
                        + "' AND run_id = '"
                        + acknowledged.get(requestId)
                        + "'"))
            .as("the acknowledged run of %s", requestId)
            .isEqualTo(1);
      }
      assertThat(cluster.queryLong("SELECT count(*) FROM runs WHERE request_id LIKE 'load-%'"))
          .isEqualTo(sent.size());
      List<Run> runs =
          cluster.awaitFinished(0, List.copyOf(acknowledged.values()), Duration.ofSeconds(60));
      assertThat(runs).allMatch(Cluster::succeeded);
      // Every node takes work again.
      for (int node = 0; node < cluster.size(); node++) {
        String runId = submit(cluster, node, "after-restart-" + node);
        assertThat(cluster.awaitFinished(node, List.of(runId), Duration.ofSeconds(30)))
            .allMatch(Cluster::succeeded);
      }
      System.out.printf(
          "database restart under load: %d submits, %d acknowledged at once, refusals %s%n",
          sent.size(), sent.size() - refusals.getOrDefault("UNAVAILABLE", 0), refusals);
      assertThat(acknowledged).hasSize(sent.size());
    }
  }

  /** A run acknowledged before is never reported unknown: found, or UNAVAILABLE. */
  private static void readBack(
      Cluster cluster, int node, Map<String, String> acknowledged, Map<String, Integer> refusals) {
    if (acknowledged.isEmpty()) {
      return;
    }
    String runId = acknowledged.values().iterator().next();
    try {
      Run run =
          cluster
              .node(node)
              .stub()
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getRun(GetRunRequest.newBuilder().setRunId(runId).build())
              .getRun();
      assertThat(run.getRunId()).isEqualTo(runId);
    } catch (StatusRuntimeException e) {
      refusals.merge("GetRun " + e.getStatus().getCode().name(), 1, Integer::sum);
    }
  }

  private static String postmasterStart(Cluster cluster) throws java.sql.SQLException {
    return Long.toString(
        cluster.queryLong("SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1e6)::bigint"));
  }

  private static String submit(Cluster cluster, int node, String requestId) {
    WorkflowSpec spec = Specs.workflow("load", Specs.shell("a", "sleep 0.2"));
    return cluster
        .node(node)
        .stub()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .submitRun(SubmitRunRequest.newBuilder().setSpec(spec).setRequestId(requestId).build())
        .getRunId();
  }

  private static String submitUntilAccepted(Cluster cluster, String requestId) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        return submit(cluster, 0, requestId);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || Instant.now().isAfter(deadline)) {
          throw e;
        }
        ServerProcess.pause(200);
      }
    }
  }

  private static void restartPostgres(String pgDir, int pauseSeconds) {
    try {
      Process restart =
          new ProcessBuilder(
                  REPO.resolve("scripts/postgres-test-server.sh").toString(),
                  "restart",
                  pgDir,
                  Integer.toString(pauseSeconds))
              .redirectErrorStream(true)
              .start();
      String output = new String(restart.getInputStream().readAllBytes());
      if (restart.waitFor() != 0) {
        throw new IllegalStateException("could not restart PostgreSQL: " + output);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
