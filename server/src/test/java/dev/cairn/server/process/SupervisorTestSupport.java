package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a supervisor per test, gives each attempt a marker under a per-test prefix, and after each
 * test sweeps that prefix, closes the supervisor and checks every exit callback fired exactly once.
 */
abstract class SupervisorTestSupport {
  static final Duration GRACE = Duration.ofMillis(300);
  static final Map<String, String> BASE_ENV = Map.of("PATH", "/usr/bin:/bin");
  static final long ONE_MIB = 1 << 20;

  @TempDir Path dir;

  final String markerPrefix = "cairn-test/" + UUID.randomUUID() + "/";
  final List<AtomicInteger> callbackCounts = new ArrayList<>();
  ProcessSupervisor supervisor;
  private int attempts;

  @BeforeEach
  void startSupervisor() {
    supervisor = new ProcessSupervisor(GRACE, launcherKind(), dir.resolve("bin"));
  }

  /** The launcher under test: the native helper, as the server uses it; subclasses run both. */
  LauncherKind launcherKind() {
    return LauncherKind.HELPER;
  }

  @AfterEach
  void cleanUp() {
    supervisor.sweep(markerPrefix);
    supervisor.close();
    assertThat(callbackCounts).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(supervisor.liveCount()).isZero();
  }

  record Started(Launched launched, String marker, Path output, CompletableFuture<Exited> exit) {}

  Exited run(String script) throws Exception {
    return start(shell(script)).exit().get(10, TimeUnit.SECONDS);
  }

  Started start(List<String> argv) throws SpawnException {
    return start(request(argv, null, ONE_MIB));
  }

  LaunchRequest request(List<String> argv, Path output, long limit) {
    String marker = nextMarker();
    Path file =
        output != null ? output : dir.resolve(marker.substring(markerPrefix.length()) + ".out");
    return new LaunchRequest(marker, argv, BASE_ENV, dir, file, limit);
  }

  Started start(LaunchRequest request) throws SpawnException {
    CompletableFuture<Exited> exit = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    callbackCounts.add(calls);
    Launched launched =
        supervisor.launch(
            request,
            exited -> {
              calls.incrementAndGet();
              exit.complete(exited);
            });
    return new Started(launched, request.marker(), request.outputFile(), exit);
  }

  String nextMarker() {
    return markerPrefix + "attempt-" + ++attempts;
  }

  static List<String> shell(String script) {
    return List.of("/bin/sh", "-c", script);
  }

  static long awaitFirstPid(Path output) {
    await("the step printed a pid", () -> readQuietly(output).endsWith("\n"));
    return Long.parseLong(readQuietly(output).lines().findFirst().orElseThrow().trim());
  }

  static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
