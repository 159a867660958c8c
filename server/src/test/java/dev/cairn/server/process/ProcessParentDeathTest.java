package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step dies with the server that started it, through the parent-death signals: the server's
 * spawner thread to the launch helper, the helper to the step.
 */
class ProcessParentDeathTest {
  @TempDir Path dir;

  private final String marker = "cairn-test/" + UUID.randomUUID() + "/parent-death";
  private Process server;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    try (ProcessSupervisor sweeper = new ProcessSupervisor(Duration.ZERO)) {
      sweeper.sweep(marker);
    }
  }

  @Test
  void stepDiesWhenTheServerJvmIsKilled() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SupervisedSleepMain.class.getName(),
                marker,
                dir.toString())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> readLine(reader)).get(60, TimeUnit.SECONDS);
    long step = Long.parseLong(line.trim());
    String[] stat = TestProcesses.statFields(step);
    assertThat(stat).isNotNull();
    long shim = Long.parseLong(stat[1]);
    long helper = Long.parseLong(TestProcesses.statFields(shim)[1]);
    assertThat(Long.parseLong(TestProcesses.statFields(helper)[1]))
        .as("parent of the step's launcher")
        .isEqualTo(server.pid());
    assertThat(isRunning(step)).isTrue();

    server.destroyForcibly();
    assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();

    await("the step died with its server", () -> !isRunning(step));
  }

  private static String readLine(BufferedReader reader) {
    try {
      String line = reader.readLine();
      if (line == null) {
        throw new IllegalStateException("the server JVM ended without printing a pid");
      }
      return line;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
