package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 loop: a client submits runs with request ids and records every acknowledged one; the
 * server is killed with SIGKILL at a random moment and restarted, again and again. Afterwards every
 * acknowledged submit exists and is terminal, no marked process remains, every sequence is
 * gap-free, no step ever ran two attempts at once, and a resubmit returns the same run.
 *
 * <p>{@code -Dcairn.crash.iterations=N} runs more iterations (default 20); {@code
 * -Dcairn.crash.seed=S} replays a sequence of kill moments.
 */
class CrashLoopIT {
  @TempDir Path dataDir;

  /** The k of a request id "req-ITERATION-k": which workflow(k) it was submitted with. */
  private static int submitIndex(String requestId) {
    return Integer.parseInt(requestId.substring(requestId.lastIndexOf('-') + 1));
  }

  private static WorkflowSpec workflow(int n) {
    RetryPolicy retry =
        RetryPolicy.newBuilder()
            .setMaxAttempts(20)
            .setInitialBackoff(Specs.millis(50))
            .setMaxBackoff(Specs.millis(200))
            .build();
    StepSpec a = Specs.shell("a", "sleep 0.1").toBuilder().setRetry(retry).build();
    StepSpec b =
        Specs.shell(
                "b", "(setsid sleep 1000 &); sleep 0.2 & nohup sleep 0.3 >/dev/null & wait", "a")
            .toBuilder()
            .setRetry(retry)
            .build();
    StepSpec c = Specs.shell("c", "sleep 0.15", "a").toBuilder().setRetry(retry).build();
    StepSpec d = Specs.shell("d", "echo " + n, "b", "c").toBuilder().setRetry(retry).build();
    return Specs.workflow("crash-" + n, a, b, c, d).toBuilder().setMaxParallel(2).build();
  }

  @Test
  void acknowledgedWorkSurvivesRepeatedKillNine() throws Exception {
    int iterations = Integer.getInteger("cairn.crash.iterations", 20);
    long seed = Long.getLong("cairn.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path ackFile = dataDir.resolve("acknowledged.txt");
    Map<String, String> acknowledged = new LinkedHashMap<>();
    ServerProcess server = ServerProcess.start(dataDir.resolve("server"));
    try {
      for (int i = 0; i < iterations; i++) {
        AtomicBoolean go = new AtomicBoolean(true);
        int iteration = i;
        ServerProcess current = server;
        Thread client =
            new Thread(
                () -> {
                  for (int k = 0; go.get(); k++) {
                    String requestId = "req-" + iteration + "-" + k;
                    try {
                      SubmitRunResponse response =
                          current
                              .stub()
                              .withDeadlineAfter(5, TimeUnit.SECONDS)
                              .submitRun(
                                  SubmitRunRequest.newBuilder()
                                      .setSpec(workflow(k))
                                      .setRequestId(requestId)
                                      .build());
                      synchronized (acknowledged) {
                        acknowledged.put(requestId, response.getRunId());
                      }
                      Files.writeString(
                          ackFile,
                          requestId + " " + response.getRunId() + "\n",
                          StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND);
                      ServerProcess.pause(100 + random.nextInt(200));
                    } catch (StatusRuntimeException | java.io.IOException refused) {
                      // Not acknowledged (the server is going down): nothing is promised.
                      return;
                    }
                  }
                });
        client.start();
        // The kill moment is the random variable under test, not a synchronization.
        ServerProcess.pause(200 + random.nextInt(1300));
        server.kill9();
        go.set(false);
        client.join(10_000);
        server.relaunch();
      }
      assertThat(acknowledged).as("seed %d", seed).hasSizeGreaterThan(iterations / 2);

      Runs runs = new Runs(server);
      for (Map.Entry<String, String> entry : acknowledged.entrySet()) {
        runs.awaitStatus(entry.getValue(), Runs::terminal, Duration.ofSeconds(120));
        String again =
            server
                .stub()
                .submitRun(
                    SubmitRunRequest.newBuilder()
                        // The same workflow as the first submit: another would be refused.
                        .setSpec(workflow(submitIndex(entry.getKey())))
                        .setRequestId(entry.getKey())
                        .build())
                .getRunId();
        assertThat(again)
            .as("resubmit of %s (seed %d)", entry.getKey(), seed)
            .isEqualTo(entry.getValue());
      }
      List<Event> all = runs.all();
      History.assertGapFree(all);
      History.assertNoOverlappingAttempts(all);
      History.assertTerminalLast(all);
      List<String> recorded = new ArrayList<>();
      all.stream().filter(Event::hasRunSubmitted).forEach(e -> recorded.add(e.getRunId()));
      assertThat(recorded).containsAll(acknowledged.values());
      assertThat(Files.readAllLines(ackFile)).hasSize(acknowledged.size());
      awaitNoMarkedProcess(server);
      long lost =
          all.stream()
              .filter(Event::hasStepFailed)
              .filter(
                  e ->
                      e.getStepFailed().getReason()
                          == dev.cairn.v1.FailureReason.FAILURE_REASON_LOST)
              .count();
      System.out.printf(
          "crash loop: %d kill -9 iterations (seed %d), %d acknowledged submits, %d events,"
              + " %d attempts recorded LOST%n",
          iterations, seed, acknowledged.size(), all.size(), lost);
      assertThat(lost).as("kills landed while steps ran").isPositive();
    } finally {
      server.close();
    }
  }

  static void awaitNoMarkedProcess(ServerProcess server) throws Exception {
    String store = Files.readString(server.dataDir().resolve("store-id")).trim();
    String prefix = "CAIRN_MARKER=cairn/" + store + "/";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<Long> left = ProcScan.withEnvironment(prefix);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      ServerProcess.pause(50);
      left = ProcScan.withEnvironment(prefix);
    }
    assertThat(left).as("processes still carrying this store's marker").isEmpty();
  }
}
