package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StreamLogsResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/JSON API the web UI uses (docs/http-api.md), against the packaged server: without the
 * token nothing but the page and its assets answers; with it, the calls and event streams give what
 * the gRPC API gives, and a stream resumed with Last-Event-ID continues with no gap or duplicate.
 */
class HttpApiIT extends SharedServer {
  private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Za-z0-9_-]+)\"");
  private static HttpApiClient http;
  @TempDir static Path work;

  @BeforeAll
  static void client() {
    http = new HttpApiClient(server);
  }

  @Test
  void withoutTheTokenThePageAndItsAssetsAnswer() {
    HttpApiClient.Answer page = http.get("/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("app.js").doesNotContain(server.token());
    assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
    HttpApiClient.Answer script = http.get("/app.js", null);
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("/api/v1/ui-sessions").doesNotContain(server.token());
    assertThat(http.get("/style.css", null).status()).isEqualTo(200);
    assertThat(http.get("/index.html", null).status()).isEqualTo(200);
    // Same names in every version: revalidated on each load, never kept a day after an upgrade.
    for (HttpApiClient.Answer asset : List.of(page, script, http.get("/style.css", null))) {
      assertThat(asset.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(asset.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
    assertThat(http.get("/api/v1/runs", null).header("X-Content-Type-Options"))
        .isEqualTo("nosniff");
  }

  @Test
  void schedulesAnswerAsTheGrpcServiceDoes() {
    String token = server.token();
    assertThat(http.get("/api/v1/schedules", null).status()).isEqualTo(401);
    String workflow = "name: h\\nsteps:\\n  - id: a\\n    run: 'true'\\n";
    HttpApiClient.Answer badCron =
        http.post(
            "/api/v1/schedules",
            "{\"schedule_id\":\"http\",\"workflow_yaml\":\""
                + workflow
                + "\",\"cron\":\"0 3 * *\"}",
            token);
    assertThat(badCron.status()).isEqualTo(400);
    assertThat(badCron.body()).contains("INVALID_CRON");

    HttpApiClient.Answer created =
        http.post(
            "/api/v1/schedules",
            "{\"schedule_id\":\"http\",\"workflow_yaml\":\""
                + workflow
                + "\",\"cron\":\"0 3 * * *\",\"time_zone\":\"Europe/Berlin\",\"paused\":true}",
            token);
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    assertThat(http.get("/api/v1/schedules", token).body()).contains("\"scheduleId\":\"http\"");
    assertThat(http.get("/api/v1/schedules/http?next_count=2", token).body())
        .contains("Europe/Berlin");
    assertThat(http.post("/api/v1/schedules/http/resume", "", token).body())
        .doesNotContain("\"paused\":true");
    assertThat(http.post("/api/v1/schedules/http/pause", "{\"note\":\"n\"}", token).body())
        .contains("\"paused\":true");
    assertThat(http.send("DELETE", "/api/v1/schedules/http", null, token).status()).isEqualTo(200);
    HttpApiClient.Answer gone = http.get("/api/v1/schedules/http", token);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.body()).contains("SCHEDULE_NOT_FOUND");
  }

  @Test
  void withoutTheTokenNoApiCallAnswers() {
    List<String[]> calls =
        List.of(
            new String[] {"GET", "/api/v1/runs"},
            new String[] {"POST", "/api/v1/runs"},
            new String[] {"GET", "/api/v1/runs/RUN"},
            new String[] {"POST", "/api/v1/runs/RUN/cancel"},
            new String[] {"POST", "/api/v1/runs/RUN/rerun"},
            new String[] {"GET", "/api/v1/runs/RUN/events"},
            new String[] {"GET", "/api/v1/events"},
            new String[] {"GET", "/api/v1/runs/RUN/steps/a/output"},
            new String[] {"GET", "/api/v1/server/stats"},
            new String[] {"POST", "/api/v1/ui-codes"},
            new String[] {"GET", "/api/v1/ui-sessions"},
            new String[] {"GET", "/api/v1/no-such-thing"},
            new String[] {"GET", "/api"});
    for (String token : new String[] {null, "not-the-token", ""}) {
      for (String[] call : calls) {
        HttpApiClient.Answer answer =
            http.send(call[0], call[1], call[0].equals("POST") ? "{}" : null, token);
        assertThat(answer.status())
            .as("%s %s with token %s", call[0], call[1], token)
            .isEqualTo(401);
        assertThat(answer.body()).contains("UNAUTHENTICATED").doesNotContain(server.token());
        assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
      }
    }
    // The one call without the token: exchanging a code, which a guess does not pass.
    HttpApiClient.Answer guess = http.post("/api/v1/ui-sessions", "{\"code\":\"guess\"}", null);
    assertThat(guess.status()).isEqualTo(401);
    assertThat(guess.body()).contains("INVALID_CODE").doesNotContain(server.token());
  }

  @Test
  void aSignInCodeIsExchangedForTheTokenOnce() {
    HttpApiClient.Answer issued = http.post("/api/v1/ui-codes", null, server.token());
    assertThat(issued.status()).isEqualTo(200);
    Matcher code = CODE.matcher(issued.body());
    assertThat(code.find()).isTrue();
    String body = "{\"code\":\"" + code.group(1) + "\"}";

    HttpApiClient.Answer session = http.post("/api/v1/ui-sessions", body, null);
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.body()).isEqualTo("{\"token\":\"" + server.token() + "\"}");
    assertThat(session.header("Cache-Control")).isEqualTo("no-store");
    assertThat(http.post("/api/v1/ui-sessions", body, null).status()).isEqualTo(401);
  }

  @Test
  void callsAnswerAsTheGrpcApiDoes() throws Exception {
    String token = server.token();
    HttpApiClient.Answer submitted =
        http.post(
            "/api/v1/runs",
            "{\"workflowYaml\": \"name: http-submit\\nsteps:\\n  - id: a\\n    run: echo hi\\n\"}",
            token);
    assertThat(submitted.status()).isEqualTo(200);
    String runId = field(submitted.body(), "runId");
    runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));

    HttpApiClient.Answer run = http.get("/api/v1/runs/" + runId, token);
    assertThat(run.status()).isEqualTo(200);
    assertThat(run.body()).contains("\"status\":\"RUN_STATUS_SUCCEEDED\"", "\"stepId\":\"a\"");
    assertThat(run.header("Content-Type")).startsWith("application/json");

    HttpApiClient.Answer listed =
        http.get("/api/v1/runs?status=succeeded&name=http-submit&page_size=5", token);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).contains(runId);
    assertThat(http.get("/api/v1/runs?status=FAILED&name=http-submit", token).body())
        .doesNotContain(runId);

    HttpApiClient.Answer badStatus = http.get("/api/v1/runs?status=bogus", token);
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(badStatus.body()).contains("INVALID_ARGUMENT", "bogus");
    HttpApiClient.Answer missing = http.get("/api/v1/runs/no-such-run", token);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("\"reason\":\"RUN_NOT_FOUND\"");
    HttpApiClient.Answer badYaml =
        http.post("/api/v1/runs", "{\"workflowYaml\": \"steps: 3\"}", token);
    assertThat(badYaml.status()).isEqualTo(400);
    assertThat(http.post("/api/v1/runs", "not json", token).status()).isEqualTo(400);
    assertThat(http.get("/api/v1/server/stats", token).body()).contains("eventsAppended");
  }

  /**
   * Bodies are JSON whatever their content type says ({@code curl -d} sends a form's), and every
   * refusal is the API's JSON error, never a library's words or the framework's text page.
   */
  @Test
  void bodiesAreJsonWhateverTheirTypeAndRefusalsAreJson() {
    String token = server.token();
    String yaml =
        "name: form\\n# " + "x".repeat(10_000) + "\\nsteps:\\n  - {id: a, run: \\\"true\\\"}\\n";
    String body = "{\"workflowYaml\": \"" + yaml + "\", \"validateOnly\": true}";
    for (String type :
        new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
      HttpApiClient.Answer form = http.send("POST", "/api/v1/runs", body, type, token);
      assertThat(form.status()).as(type).isEqualTo(200);
      assertThat(form.body()).contains("\"resolvedSpec\"");
    }

    HttpApiClient.Answer malformed = http.post("/api/v1/runs", "{\"x\" 1}", token);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body())
        .contains("bad request body: Expected ':'")
        .doesNotContain("gson", "https://");

    HttpApiClient.Answer huge =
        http.post("/api/v1/runs", "{\"workflowYaml\": \"" + "x".repeat(6 << 20) + "\"}", token);
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.body()).contains("\"code\":\"RESOURCE_EXHAUSTED\"", "over the limit of");
  }

  @Test
  void aRunsEventStreamResumesFromLastEventIdWithNoGapOrDuplicate() throws Exception {
    String token = server.token();
    String runId =
        runs.submit(
            Specs.workflow(
                "http-events",
                Specs.shell("a", "true"),
                Specs.shell("b", "true", "a"),
                Specs.shell("c", "true", "b")));
    List<Event> all = new ArrayList<>();
    try (HttpApiClient.Sse sse = http.stream("/api/v1/runs/" + runId + "/events", token, null)) {
      assertThat(sse.response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      all.addAll(events(sse, Integer.MAX_VALUE));
    }
    assertThat(all).isNotEmpty();
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).getRunSeq()).isEqualTo(i + 1);
    }
    assertThat(all.get(all.size() - 1).hasRunSucceeded()).isTrue();

    // Dropped after three events; the browser comes back with the last id it saw.
    List<Event> resumed = new ArrayList<>();
    String lastId;
    try (HttpApiClient.Sse sse = http.stream("/api/v1/runs/" + runId + "/events", token, null)) {
      resumed.addAll(events(sse, 3));
      lastId = Long.toString(resumed.get(2).getRunSeq());
    }
    try (HttpApiClient.Sse sse = http.stream("/api/v1/runs/" + runId + "/events", token, lastId)) {
      resumed.addAll(events(sse, Integer.MAX_VALUE));
    }
    assertThat(resumed).isEqualTo(all);
  }

  @Test
  void theAllRunsStreamFromNowSendsTheHeadThenNewEventsAndResumes() throws Exception {
    String token = server.token();
    List<Event> seen = new ArrayList<>();
    String lastId;
    String runId;
    try (HttpApiClient.Sse sse = http.stream("/api/v1/events?after_seq=now", token, null)) {
      HttpApiClient.Frame head = sse.next();
      assertThat(head.event()).isEqualTo("head");
      lastId = head.id();
      runId = runs.submit(Specs.workflow("http-all", Specs.shell("a", "true")));
      seen.addAll(events(sse, 1));
      lastId = Long.toString(seen.get(0).getGlobalSeq());
    }
    runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30));
    try (HttpApiClient.Sse sse = http.stream("/api/v1/events?follow=false", token, lastId)) {
      seen.addAll(events(sse, Integer.MAX_VALUE));
    }
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).getGlobalSeq()).isEqualTo(seen.get(i - 1).getGlobalSeq() + 1);
    }
    assertThat(seen.get(0).hasRunSubmitted()).isTrue();
    assertThat(seen.stream().filter(event -> event.getRunId().equals(runId)))
        .anyMatch(Event::hasRunSucceeded);
  }

  /**
   * DNS rebinding: a page whose own name resolves to 127.0.0.1 makes the browser send its name as
   * Host. On a loopback port only loopback names are served: the page, the API, health and metrics.
   */
  @Test
  void requestsNamingAHostOtherThanLoopbackAreRefused() throws Exception {
    for (String path : List.of("/", "/app.js", "/api/v1/runs", "/q/metrics", "/q/health/ready")) {
      assertThat(statusLine(path, "evil.example:" + server.port()))
          .as(path)
          .startsWith("HTTP/1.1 403");
      assertThat(statusLine(path, "localhost:" + server.port())).as(path).doesNotContain(" 403");
      assertThat(statusLine(path, "127.0.0.1:" + server.port())).as(path).doesNotContain(" 403");
    }
    // gRPC, which no browser can call, on the same port is not checked (its authority is its own).
    assertThat(runs.submit(Specs.workflow("host-check", Specs.shell("a", "true")))).isNotEmpty();
  }

  /** The status line of a GET sent with {@code host} as its Host header, over a raw socket. */
  private static String statusLine(String path, String host) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void outputIsFollowedAndResumedFromAnOffset() throws Exception {
    String token = server.token();
    Path gate = work.resolve("gate");
    String runId =
        runs.submit(
            Specs.workflow(
                "http-output",
                Specs.shell(
                    "a",
                    "echo first; while [ ! -e '"
                        + gate
                        + "' ]; do sleep 0.05; done; echo second")));
    runs.awaitStatus(runId, run -> run.getSteps(0).getAttemptsCount() > 0, Duration.ofSeconds(30));
    StringBuilder text = new StringBuilder();
    String lastId = null;
    try (HttpApiClient.Sse sse =
        http.stream("/api/v1/runs/" + runId + "/steps/a/output?follow=true", token, null)) {
      HttpApiClient.Frame frame = sse.next();
      assertThat(frame.event()).isEqualTo("output");
      text.append(chunk(frame));
      lastId = frame.id();
    }
    // The step is still running (it waits for the gate): the first line came while it ran.
    assertThat(text.toString()).isEqualTo("first\n");
    assertThat(runs.get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    Files.writeString(gate, "");
    try (HttpApiClient.Sse sse =
        http.stream("/api/v1/runs/" + runId + "/steps/a/output?follow=true", token, lastId)) {
      for (HttpApiClient.Frame frame = sse.next(); frame != null; frame = sse.next()) {
        if (frame.event().equals("end")) {
          break;
        }
        text.append(chunk(frame));
      }
    }
    assertThat(text.toString()).isEqualTo("first\nsecond\n");
  }

  @Test
  void aRunIsCancelledOverHttp() throws Exception {
    String token = server.token();
    String runId = runs.submit(Specs.workflow("http-cancel", Specs.shell("a", "sleep 600")));
    runs.awaitStatus(runId, run -> run.getSteps(0).getAttemptsCount() > 0, Duration.ofSeconds(30));
    HttpApiClient.Answer cancelled =
        http.post("/api/v1/runs/" + runId + "/cancel", "{\"reason\":\"from http\"}", token);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body()).contains("RUN_STATUS_CANCELLING");
    assertThat(runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30)).getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    assertThat(runs.get(runId).getCancelReason()).isEqualTo("from http");
    assertThat(ProcScan.withEnvironment(ProcScan.runMarker(dataDir, runId))).isEmpty();
  }

  @Test
  void aFailedRunIsRerunOverHttp() throws Exception {
    String token = server.token();
    Path gate = work.resolve("rerun-ok");
    String runId =
        runs.submit(
            Specs.workflow(
                "http-rerun",
                Specs.shell("a", "echo first"),
                Specs.shell("b", "test -f '" + gate + "'", "a")));
    assertThat(runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(30)).getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_FAILED);
    Files.writeString(gate, "");

    String body = "{\"request_id\": \"http-rerun-1\"}";
    HttpApiClient.Answer rerun = http.post("/api/v1/runs/" + runId + "/rerun", body, token);
    assertThat(rerun.status()).as(rerun.body()).isEqualTo(200);
    String rerunId = field(rerun.body(), "runId");
    assertThat(rerunId).isNotEqualTo(runId);
    assertThat(rerun.body()).contains("\"rerunStepIds\":[\"b\"]").doesNotContain("existing");
    // The same request id gives the same rerun, not a second one.
    HttpApiClient.Answer again = http.post("/api/v1/runs/" + runId + "/rerun", body, token);
    assertThat(again.status()).isEqualTo(200);
    assertThat(field(again.body(), "runId")).isEqualTo(rerunId);
    assertThat(again.body()).contains("\"existing\":true");

    assertThat(runs.awaitStatus(rerunId, Runs::terminal, Duration.ofSeconds(30)).getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(http.get("/api/v1/runs/" + rerunId, token).body())
        .contains("\"rerunOf\":\"" + runId + "\"");
    assertThat(http.get("/api/v1/runs/" + runId, token).body())
        .contains("\"rerunRunIds\":[\"" + rerunId + "\"]");

    // The body is optional; errors are the service's, as over gRPC.
    HttpApiClient.Answer missing = http.post("/api/v1/runs/no-such-run/rerun", null, token);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("RUN_NOT_FOUND");
    assertThat(http.post("/api/v1/runs/" + runId + "/rerun", "not json", token).status())
        .isEqualTo(400);
    assertThat(http.post("/api/v1/runs/" + rerunId + "/rerun", "{}", null).status()).isEqualTo(401);
  }

  /** The events of the next {@code limit} event frames, or up to the stream's end. */
  private static List<Event> events(HttpApiClient.Sse sse, int limit) throws Exception {
    List<Event> events = new ArrayList<>();
    while (events.size() < limit) {
      HttpApiClient.Frame frame = sse.next();
      if (frame == null || frame.event().equals("end")) {
        break;
      }
      assertThat(frame.event()).as("frame %s", frame).isEqualTo("event");
      Event.Builder event = Event.newBuilder();
      JsonFormat.parser().merge(frame.data(), event);
      // The id is where the stream resumes: the run's sequence, or the global one for all runs.
      assertThat(Long.parseLong(frame.id())).isIn(event.getRunSeq(), event.getGlobalSeq());
      events.add(event.build());
    }
    return events;
  }

  private static String chunk(HttpApiClient.Frame frame) throws Exception {
    StreamLogsResponse.Builder chunk = StreamLogsResponse.newBuilder();
    JsonFormat.parser().merge(frame.data(), chunk);
    assertThat(Long.parseLong(frame.id())).isEqualTo(chunk.getOffset() + chunk.getData().size());
    return chunk.getData().toString(StandardCharsets.UTF_8);
  }

  private static String field(String json, String name) {
    Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    assertThat(matcher.find()).as("%s in %s", name, json).isTrue();
    return matcher.group(1);
  }
}
