package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.StepOutputs;
import dev.cairn.server.engine.Trigger;
import dev.cairn.workflow.spec.SpecLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs and inputs files of attempts, on a real file system. */
class StepFilesTest {
  @TempDir Path root;

  private EngineSettings settings() {
    return new EngineSettings(
        root.resolve("data"),
        root.resolve("runs"),
        "files-test",
        4,
        1 << 20,
        Duration.ofSeconds(1),
        SpecLimits.DEFAULT,
        Map.of(),
        Duration.ZERO);
  }

  private static RunState afterA(Map<String, String> outputs) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    RunState state =
        Decider.decide(
                "run-1", null, new Trigger.Submit(spec(step("a"), step("b", "a")), "", "t"), now)
            .state();
    state =
        Decider.decide("run-1", state, new Trigger.AttemptStarted("a", 1, 9, 9, 1, "m", "/o"), now)
            .state();
    return Decider.decide(
            "run-1",
            state,
            new Trigger.AttemptExited("a", 1, 0, 0, 0, false, Duration.ZERO, outputs, ""),
            now)
        .state();
  }

  @Test
  void aStepSeesItsUpstreamOutputsAsVariablesAndAsOneJsonFile() throws Exception {
    RunState state = afterA(Map.of("k", "v"));
    Map<String, String> env = new HashMap<>();
    Path outputs = StepFiles.prepare(settings(), state, "b", 1, env);

    assertThat(env).containsEntry("CAIRN_OUT_a_k", "v");
    assertThat(env.get(StepOutputs.FILE_VARIABLE)).isEqualTo(outputs.toString());
    assertThat(Files.readString(Path.of(env.get(StepOutputs.INPUTS_VARIABLE))))
        .isEqualTo("{\"a\":{\"k\":\"v\"}}\n");
    assertThat(outputs.getParent()).isEqualTo(root.resolve("runs").resolve("run-1.io"));

    assertThat(StepFiles.readOutputs(outputs).outputs()).isEmpty();
    Files.writeString(outputs, "x=1\n");
    assertThat(StepFiles.readOutputs(outputs).outputs()).containsEntry("x", "1");
  }

  @Test
  void aStepWithoutUpstreamOutputsGetsAnEmptyObject() throws Exception {
    Map<String, String> env = new HashMap<>();
    StepFiles.prepare(settings(), afterA(Map.of()), "b", 1, env);
    assertThat(Files.readString(Path.of(env.get(StepOutputs.INPUTS_VARIABLE)))).isEqualTo("{}\n");
  }

  @Test
  void aSymbolicLinkInPlaceOfTheOutputsFileIsNotFollowed() throws Exception {
    Map<String, String> env = new HashMap<>();
    Path outputs = StepFiles.prepare(settings(), afterA(Map.of()), "b", 1, env);
    Path secret = Files.writeString(root.resolve("secret"), "password=hunter2\n");
    Files.createSymbolicLink(outputs, secret);

    StepOutputs.Parsed parsed = StepFiles.readOutputs(outputs);
    assertThat(parsed.outputs()).isEmpty();
    assertThat(parsed.problem()).contains("$CAIRN_OUTPUT");
  }

  /**
   * A FIFO in place of the outputs file is refused without being opened: opening it waited for a
   * writer for ever, and every other attempt's exit waited behind it.
   */
  @Test
  void aFifoInPlaceOfTheOutputsFileIsRefusedWithoutWaiting() throws Exception {
    Path fifo = root.resolve("outputs-fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    // On a thread of its own: an open of the FIFO cannot be interrupted.
    java.util.concurrent.CompletableFuture<StepOutputs.Parsed> read =
        new java.util.concurrent.CompletableFuture<>();
    Thread reader = new Thread(() -> read.complete(StepFiles.readOutputs(fifo)));
    reader.setDaemon(true);
    reader.start();
    StepOutputs.Parsed parsed = read.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(parsed.outputs()).isEmpty();
    assertThat(parsed.problem()).contains("$CAIRN_OUTPUT", "not a file");
  }
}
