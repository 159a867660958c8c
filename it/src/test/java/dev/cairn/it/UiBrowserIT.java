package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in a real browser: ui/e2e/ui-e2e.mjs drives headless Chromium (Debian's, through
 * playwright-core) against the packaged server. It signs in with `cairn ui`'s one-time code, sees a
 * run submitted with the CLI turn green step by step without a reload and the output a step prints
 * while it runs, cancels a second run from its page, and reruns a failed third one from its page;
 * this test then checks that no process of the cancelled run is left and that the rerun succeeded.
 * The script writes the README's screenshots to docs/.
 */
class UiBrowserIT {
  private static final Path REPO = Path.of(System.getProperty("cairn.repo")).toAbsolutePath();
  private static final Path CLI_JAR = Path.of(System.getProperty("cairn.cli.jar"));
  private static final long SCRIPT_TIMEOUT_SECONDS = 240;

  @TempDir static Path dataDir;
  @TempDir static Path work;
  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void aRunGoesGreenLiveAndAnotherIsCancelledFromItsPage() throws Exception {
    Path chromium = chromium();
    // An argument no other process on the machine has, to find the step's sleeps by.
    String sleepFor = "600." + (System.nanoTime() % 1_000_000);
    assertThat(REPO.resolve("ui/node_modules/playwright-core"))
        .as("ui/node_modules (the server's build installs it with npm ci)")
        .isDirectory();
    Files.writeString(
        work.resolve("live.yaml"),
        String.join(
            "\n",
            "name: ui-live",
            "env: { GATES: '" + work + "' }",
            "steps:",
            "  - id: prepare",
            "    run: echo preparing; while [ ! -e \"$GATES/gate-1\" ]; do sleep 0.05; done",
            "  - id: work",
            "    run: echo 'working on it'; while [ ! -e \"$GATES/gate-2\" ]; do sleep 0.05; done;"
                + " echo 'work done'",
            "    depends_on: [prepare]",
            "  - id: publish",
            "    run: echo published",
            "    depends_on: [work]",
            ""));
    Files.writeString(
        work.resolve("cancel.yaml"),
        String.join(
            "\n",
            "name: ui-cancel",
            "steps:",
            "  - id: long",
            "    run: sleep " + sleepFor + " & sleep " + sleepFor + "; wait",
            "  - id: after",
            "    run: echo never",
            "    depends_on: [long]",
            ""));
    Files.writeString(
        work.resolve("rerun.yaml"),
        String.join(
            "\n",
            "name: ui-rerun",
            "env: { GATES: '" + work + "' }",
            "steps:",
            // Ids that name properties of every JavaScript object: the graph must still draw.
            "  - id: constructor",
            "    run: echo first",
            "  - id: __proto__",
            "    run: echo proto",
            "    depends_on: [constructor]",
            "  - id: check",
            "    run: test -f \"$GATES/rerun-ok\"",
            "    depends_on: [constructor]",
            ""));
    Path shots = REPO.resolve("docs");
    Path result = work.resolve("result.json");
    Path log = work.resolve("ui-e2e.log");
    FileTime started = FileTime.from(Instant.now().minusSeconds(1));

    ProcessBuilder builder =
        new ProcessBuilder("node", "e2e/ui-e2e.mjs")
            .directory(REPO.resolve("ui").toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("CAIRN_E2E_BASE", "http://" + server.target());
    env.put(
        "CAIRN_E2E_CLI",
        "[\""
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "\",\"-jar\",\""
            + CLI_JAR.toAbsolutePath()
            + "\"]");
    env.put("CAIRN_SERVER", server.target());
    env.put("CAIRN_DATA_DIR", dataDir.toString());
    env.put("CAIRN_E2E_WORK", work.toString());
    env.put("CAIRN_E2E_SHOTS", shots.toString());
    env.put("CAIRN_E2E_RESULT", result.toString());
    env.put("CHROMIUM", chromium.toString());
    Process script = builder.start();
    try {
      boolean finished = script.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(finished)
          .as(
              "the browser script ends within %d s; its output:\n%s",
              SCRIPT_TIMEOUT_SECONDS, read(log))
          .isTrue();
      assertThat(script.exitValue()).as("the browser script's output:\n%s", read(log)).isZero();
      System.out.print(read(log));
    } finally {
      // The browser is the script's child: end it too, whatever happened.
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
      script.waitFor();
    }

    String ids = Files.readString(result, StandardCharsets.UTF_8);
    String liveRun = field(ids, "liveRun");
    String cancelRun = field(ids, "cancelRun");
    Runs runs = new Runs(server);
    assertThat(runs.get(liveRun).getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(runs.get(cancelRun).getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    // CANCELLED is recorded only once the attempt's processes are gone: none may be left.
    String failedRun = field(ids, "failedRun");
    String rerunRun = field(ids, "rerunRun");
    assertThat(runs.get(failedRun).getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(runs.get(rerunRun).getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(runs.get(rerunRun).getRerunOf()).isEqualTo(failedRun);
    List<Long> left = ProcScan.withEnvironment(ProcScan.runMarker(dataDir, cancelRun));
    assertThat(left).as("processes of the cancelled run").isEmpty();
    assertThat(ProcScan.withArgument(sleepFor)).as("the cancelled step's sleeps").isEmpty();
    for (String shot : List.of("ui-runs.png", "ui-run.png")) {
      assertThat(Files.getLastModifiedTime(shots.resolve(shot))).isGreaterThan(started);
    }
  }

  /** Debian's Chromium ({@code CHROMIUM} names another); bin/test installs it. */
  private static Path chromium() {
    String named = System.getenv("CHROMIUM");
    Path path = Path.of(named == null || named.isBlank() ? "/usr/bin/chromium" : named);
    assertThat(Files.isExecutable(path))
        .as("Chromium at %s (bin/test installs it: apt-get install chromium)", path)
        .isTrue();
    return path;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static String field(String json, String name) {
    Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    assertThat(matcher.find()).as("%s in %s", name, json).isTrue();
    return matcher.group(1);
  }
}
