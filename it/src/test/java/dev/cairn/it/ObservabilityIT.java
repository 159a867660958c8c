package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.v1.Event;
import dev.cairn.v1.ListRunsRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees from outside: health over HTTP and gRPC on the one port, through recovery;
 * JSON log lines that carry a run's id; the standard tools (grpcurl through reflection,
 * grpc-health-probe) against the real server.
 */
class ObservabilityIT {
  @TempDir Path dir;

  @Test
  void readyOnlyOnceRecoveryIsDoneWhileLivenessAndReadsAnswerThroughout() throws Exception {
    Path gate = dir.resolve("recovery-may-go-on");
    try (ServerProcess server =
        ServerProcess.startUnready(dir.resolve("data"), "-Dtest.cairn.recovery-gate=" + gate)) {
      ServerProcess.HttpAnswer ready = server.awaitHttp("/q/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body()).contains("DOWN").contains("recovering");
      assertThat(server.http("/q/health/live").status()).isEqualTo(200);
      assertThat(server.grpcHealth()).isEqualTo(ServingStatus.NOT_SERVING);
      // Reads answer from the store as it is while recovery runs.
      assertThat(server.stub().listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount())
          .isZero();

      Files.createFile(gate);
      ServerProcess.HttpAnswer after = awaitStatus(server, "/q/health/ready", 200);
      assertThat(after.body()).contains("UP");
      assertThat(server.grpcHealth()).isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void withJsonLogsEveryLineIsAnObjectAndARunsLinesCarryItsId() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "-Dcairn.log-json=true")) {
      Runs runs = new Runs(server);
      String runId =
          runs.submit(workflow("logged", shell("ok", "true"), shell("bad", "exit 3", "ok")));
      List<Event> events = runs.follow(runId);
      assertThat(events).last().matches(Event::hasRunFailed);
      // The end line is written on the engine thread right after the commit the watcher saw.
      List<JsonObject> lines = awaitLine(server, runId, "run_failed_line");

      List<JsonObject> ofRun =
          lines.stream()
              .filter(line -> line.has("run_id") && line.get("run_id").getAsString().equals(runId))
              .toList();
      assertThat(ofRun)
          .extracting(line -> line.get("message").getAsString())
          .anyMatch(message -> message.contains("submitted"))
          .anyMatch(message -> message.contains("failed after"));
      JsonObject failedAttempt =
          ofRun.stream().filter(line -> line.has("step_id")).findFirst().orElseThrow();
      assertThat(failedAttempt.get("step_id").getAsString()).isEqualTo("bad");
      assertThat(failedAttempt.get("attempt").getAsString()).isEqualTo("1");
      JsonObject ended =
          ofRun.stream().filter(line -> line.has("status")).findFirst().orElseThrow();
      assertThat(ended.get("status").getAsString()).isEqualTo("failed");
      assertThat(ended.get("steps").getAsString()).isEqualTo("2");
      assertThat(Long.parseLong(ended.get("duration_ms").getAsString())).isNotNegative();
    }
  }

  @Test
  void grpcurlListsAndCallsTheServicesThroughReflectionAndTheHealthProbeSaysServing()
      throws Exception {
    Path tools = Tools.directory();
    try (ServerProcess server = ServerProcess.start(dir.resolve("data"))) {
      String auth = "authorization: Bearer " + server.token();
      Tools.Result list =
          Tools.run(
              tools.resolve("grpcurl").toString(),
              "-plaintext",
              "-H",
              auth,
              server.target(),
              "list");
      assertThat(list.exitCode()).as(list.output()).isZero();
      assertThat(list.output())
          .contains("cairn.v1.RunService")
          .contains("cairn.v1.ServerService")
          .contains("grpc.health.v1.Health");

      Tools.Result call =
          Tools.run(
              tools.resolve("grpcurl").toString(),
              "-plaintext",
              "-H",
              auth,
              "-d",
              "{\"page_size\": 5}",
              server.target(),
              "cairn.v1.RunService/ListRuns");
      assertThat(call.exitCode()).as(call.output()).isZero();

      Tools.Result refused =
          Tools.run(
              tools.resolve("grpcurl").toString(),
              "-plaintext",
              server.target(),
              "cairn.v1.RunService/ListRuns");
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.output()).contains("Unauthenticated");

      Tools.Result probe =
          Tools.run(tools.resolve("grpc-health-probe").toString(), "-addr=" + server.target());
      assertThat(probe.exitCode()).as(probe.output()).isZero();
      assertThat(probe.output()).contains("SERVING");
    }
  }

  private static ServerProcess.HttpAnswer awaitStatus(ServerProcess server, String path, int status)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ServerProcess.HttpAnswer answer = server.http(path);
    while (answer.status() != status && System.nanoTime() - deadline < 0) {
      ServerProcess.pause(50);
      answer = server.http(path);
    }
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    return answer;
  }

  /** The log's lines, parsed, once one names the run as ended; each line must be JSON. */
  private static List<JsonObject> awaitLine(ServerProcess server, String runId, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<JsonObject> lines = new ArrayList<>();
      String text = Files.readString(server.log(), StandardCharsets.UTF_8);
      // Whole lines only: the last one may be still being written.
      String whole = text.substring(0, text.lastIndexOf('\n') + 1);
      for (String line : whole.split("\n")) {
        if (!line.isBlank()) {
          lines.add(JsonParser.parseString(line).getAsJsonObject());
        }
      }
      boolean ended =
          lines.stream()
              .anyMatch(
                  line ->
                      line.has("run_id")
                          && line.get("run_id").getAsString().equals(runId)
                          && line.has("status"));
      if (ended) {
        return lines;
      }
      assertThat(System.nanoTime() - deadline).as("waiting for %s", what).isNegative();
      ServerProcess.pause(50);
    }
  }
}
