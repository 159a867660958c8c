package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static dev.cairn.server.process.TestProcesses.runningWithMarker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSupervisorTest {
  private static final Duration GRACE = Duration.ofMillis(300);
  private static final Map<String, String> BASE_ENV = Map.of("PATH", "/usr/bin:/bin");
  private static final long ONE_MIB = 1 << 20;

  @TempDir Path dir;

  private final String markerPrefix = "cairn-test/" + UUID.randomUUID() + "/";
  private final List<AtomicInteger> callbackCounts = new ArrayList<>();
  private ProcessSupervisor supervisor;
  private int attempts;

  @BeforeEach
  void startSupervisor() {
    supervisor = new ProcessSupervisor(GRACE);
  }

  @AfterEach
  void cleanUp() {
    supervisor.sweep(markerPrefix);
    supervisor.close();
    assertThat(callbackCounts).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(supervisor.liveCount()).isZero();
  }

  @Test
  void reportsExitZero() throws Exception {
    Exited exited = run("exit 0");
    assertThat(exited.exitCode()).isZero();
    assertThat(exited.signal()).isZero();
    assertThat(exited.outputLimitExceeded()).isFalse();
    assertThat(exited.duration()).isPositive();
  }

  @Test
  void reportsExitThree() throws Exception {
    Exited exited = run("exit 3");
    assertThat(exited.exitCode()).isEqualTo(3);
    assertThat(exited.signal()).isZero();
  }

  @Test
  void reportsDeathBySignal() throws Exception {
    Exited exited = run("kill -9 $$");
    assertThat(exited.signal()).isEqualTo(9);
    assertThat(exited.exitCode()).isEqualTo(137);
  }

  @Test
  void writesStdoutAndStderrToTheOutputFile() throws Exception {
    Started started = start(shell("echo out; echo err >&2; echo out2"));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);
    assertThat(Files.readString(started.output())).isEqualTo("out\nerr\nout2\n");
    assertThat(exited.outputBytes()).isEqualTo(Files.size(started.output())).isEqualTo(13);
  }

  @Test
  void truncatesAnExistingOutputFileAndCreatesItsDirectories() throws Exception {
    Path output = dir.resolve("nested/deeper/out.log");
    Files.createDirectories(output.getParent());
    Files.writeString(output, "old content that is longer than the new one\n");
    Started started = start(request(shell("echo new"), output, ONE_MIB));
    started.exit().get(10, TimeUnit.SECONDS);
    assertThat(Files.readString(output)).isEqualTo("new\n");
  }

  @Test
  void environmentIsExactlyTheRequestPlusTheMarker() throws Exception {
    Map<String, String> environment = Map.of("GREETING", "hello world", "EMPTY", "", "X", "1=2");
    String marker = nextMarker();
    Path output = dir.resolve("env.out");
    LaunchRequest request =
        new LaunchRequest(marker, List.of("/usr/bin/env"), environment, dir, output, ONE_MIB);
    Started started = start(request);
    started.exit().get(10, TimeUnit.SECONDS);
    Set<String> lines = Set.copyOf(Files.readAllLines(output));
    assertThat(lines)
        .containsExactlyInAnyOrder(
            "GREETING=hello world", "EMPTY=", "X=1=2", "CAIRN_MARKER=" + marker);
  }

  @Test
  void runsInItsOwnSessionAndGroupWithStdinFromDevNull() throws Exception {
    Started started =
        start(
            shell(
                "cut -d' ' -f1,5,6 /proc/$$/stat; readlink /proc/$$/fd/0 /proc/$$/fd/1"
                    + " /proc/$$/fd/2; pwd"));
    started.exit().get(10, TimeUnit.SECONDS);
    long pid = started.launched().pid();
    assertThat(started.launched().pgid()).isEqualTo(pid);
    assertThat(Files.readAllLines(started.output()))
        .containsExactly(
            pid + " " + pid + " " + pid,
            "/dev/null",
            started.output().toRealPath().toString(),
            started.output().toRealPath().toString(),
            dir.toRealPath().toString());
  }

  @Test
  void launchedStartTicksIdentifyTheProcess() throws Exception {
    Started started = start(shell("exec sleep 1000"));
    long pid = started.launched().pid();
    String[] stat = TestProcesses.statFields(pid);
    assertThat(stat).isNotNull();
    assertThat(Long.parseLong(stat[19])).isEqualTo(started.launched().startTicks());
    supervisor.stop(started.launched(), started.marker());
    assertThat(started.exit().get(10, TimeUnit.SECONDS).signal()).isEqualTo(15);
  }

  @Test
  void stepOutlivesTheThreadThatLaunchedIt() throws Exception {
    // The parent-death signal follows the thread that forked the step; the supervisor forks on
    // its own thread, so a caller's thread may end while its step keeps running.
    CompletableFuture<Started> launched = new CompletableFuture<>();
    CompletableFuture<Path> callerTask = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                callerTask.complete(Path.of("/proc/thread-self").toRealPath());
                launched.complete(start(shell("exec sleep 1000")));
              } catch (Exception e) {
                launched.completeExceptionally(e);
              }
            });
    caller.start();
    Started started = launched.get(10, TimeUnit.SECONDS);
    caller.join();
    Path task = callerTask.get();
    await("the caller's native thread is gone", () -> !Files.exists(task));

    assertThat(isRunning(started.launched().pid())).isTrue();
    supervisor.stop(started.launched(), started.marker());
    started.exit().get(10, TimeUnit.SECONDS);
  }

  @Test
  void stopEndsTheLeaderAndItsBackgroundedChild() throws Exception {
    Started started = start(shell("sleep 1000 & echo $!; sleep 1000"));
    long child = awaitFirstPid(started.output());
    assertThat(runningWithMarker(started.marker())).contains(started.launched().pid(), child);

    supervisor.stop(started.launched(), started.marker());
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.signal()).isEqualTo(15);
    assertThat(isRunning(child)).isFalse();
    assertThat(isRunning(started.launched().pid())).isFalse();
    assertThat(runningWithMarker(started.marker())).isEmpty();
  }

  @Test
  void stopIsIdempotent() throws Exception {
    Started started = start(shell("exec sleep 1000"));
    supervisor.stop(started.launched(), started.marker());
    supervisor.stop(started.launched(), started.marker());
    started.exit().get(10, TimeUnit.SECONDS);
    supervisor.stop(started.launched(), started.marker());
    assertThat(runningWithMarker(started.marker())).isEmpty();
  }

  @Test
  void stopKillsAStepThatIgnoresSigtermAfterTheGrace() throws Exception {
    Started started = start(shell("trap '' TERM; echo ready; while :; do sleep 0.05; done"));
    await("the trap is set", () -> readQuietly(started.output()).contains("ready"));

    long stopNanos = System.nanoTime();
    supervisor.stop(started.launched(), started.marker());
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.signal()).isEqualTo(9);
    assertThat(Duration.ofNanos(System.nanoTime() - stopNanos)).isGreaterThanOrEqualTo(GRACE);
    assertThat(runningWithMarker(started.marker())).isEmpty();
  }

  @Test
  void stopSweepsAGrandchildThatLeftTheGroup() throws Exception {
    Started started = start(shell("setsid sleep 1000 & echo $!; sleep 1000"));
    long escaped = awaitFirstPid(started.output());
    await(
        "the grandchild leads its own session",
        () -> {
          String[] stat = TestProcesses.statFields(escaped);
          return stat != null && stat[3].equals(Long.toString(escaped));
        });

    supervisor.stop(started.launched(), started.marker());
    started.exit().get(10, TimeUnit.SECONDS);

    assertThat(isRunning(escaped)).isFalse();
    assertThat(runningWithMarker(started.marker())).isEmpty();
  }

  @Test
  void killEndsTheGroupAtOnce() throws Exception {
    Started started = start(shell("trap '' TERM; sleep 1000 & echo $!; sleep 1000"));
    long child = awaitFirstPid(started.output());

    supervisor.kill(started.launched(), started.marker());
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.signal()).isEqualTo(9);
    assertThat(isRunning(child)).isFalse();
    assertThat(runningWithMarker(started.marker())).isEmpty();
  }

  @Test
  void exitIsReportedOnlyAfterABackgroundedChildIsGone() throws Exception {
    AtomicInteger childRunningAtExit = new AtomicInteger(-1);
    String marker = nextMarker();
    Path output = dir.resolve(marker.substring(markerPrefix.length()) + ".out");
    LaunchRequest request =
        new LaunchRequest(
            marker,
            List.of("/bin/sh", "-c", "sleep 1000 & echo $!"),
            BASE_ENV,
            dir,
            output,
            ONE_MIB);
    CompletableFuture<Exited> exit = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    callbackCounts.add(calls);
    supervisor.launch(
        request,
        exited -> {
          calls.incrementAndGet();
          long child = Long.parseLong(readQuietly(output).trim());
          childRunningAtExit.set(isRunning(child) ? 1 : 0);
          exit.complete(exited);
        });

    Exited exited = exit.get(10, TimeUnit.SECONDS);

    assertThat(exited.exitCode()).isZero();
    assertThat(childRunningAtExit).hasValue(0);
    assertThat(runningWithMarker(marker)).isEmpty();
  }

  @Test
  void outputLimitEndsAStepThatWritesTooMuch() throws Exception {
    Started started = start(request(shell("yes"), dir.resolve("yes.out"), ONE_MIB));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.outputLimitExceeded()).isTrue();
    assertThat(exited.signal()).isEqualTo(25);
    assertThat(Files.size(started.output())).isLessThanOrEqualTo(ONE_MIB);
    assertThat(exited.outputBytes()).isEqualTo(Files.size(started.output()));
  }

  @Test
  void outputUnderTheLimitIsNotFlagged() throws Exception {
    Started started =
        start(request(shell("head -c 1000 /dev/zero"), dir.resolve("z.out"), ONE_MIB));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);
    assertThat(exited.outputLimitExceeded()).isFalse();
    assertThat(exited.outputBytes()).isEqualTo(1000);
  }

  @Test
  void missingWorkingDirectoryIsASpawnError() {
    Path missing = dir.resolve("does-not-exist");
    LaunchRequest request =
        new LaunchRequest(
            nextMarker(), List.of("/bin/true"), BASE_ENV, missing, dir.resolve("o"), ONE_MIB);
    assertThatThrownBy(() -> supervisor.launch(request, exited -> {}))
        .isInstanceOf(SpawnException.class)
        .hasMessageContaining("working directory")
        .hasMessageContaining(missing.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(supervisor.liveCount()).isZero();
  }

  @Test
  void unknownProgramIsASpawnError() {
    LaunchRequest request =
        new LaunchRequest(
            nextMarker(), List.of("no-such-program-x"), BASE_ENV, dir, dir.resolve("o"), ONE_MIB);
    assertThatThrownBy(() -> supervisor.launch(request, exited -> {}))
        .isInstanceOf(SpawnException.class)
        .hasMessage("program no-such-program-x is not found or not executable");
  }

  @Test
  void programIsFoundOnTheStepsPath() throws Exception {
    Started started = start(request(List.of("echo", "found"), dir.resolve("path.out"), ONE_MIB));
    assertThat(started.exit().get(10, TimeUnit.SECONDS).exitCode()).isZero();
    assertThat(Files.readString(started.output())).isEqualTo("found\n");
  }

  @Test
  void closeKillsLiveStepsAndReportsThem() throws Exception {
    Started started = start(shell("sleep 1000 & echo $!; sleep 1000"));
    long child = awaitFirstPid(started.output());
    assertThat(supervisor.liveCount()).isEqualTo(1);

    supervisor.close();

    assertThat(started.exit()).isCompleted();
    assertThat(isRunning(child)).isFalse();
    assertThat(runningWithMarker(started.marker())).isEmpty();
    assertThat(supervisor.liveCount()).isZero();
  }

  @Test
  void manyConcurrentStepsAllReport() throws Exception {
    List<Started> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(start(shell("exit " + i)));
    }
    Set<Integer> codes =
        all.stream().map(started -> started.exit().join().exitCode()).collect(Collectors.toSet());
    assertThat(codes).hasSize(20);
    await("all reported", () -> supervisor.liveCount() == 0);
  }

  private record Started(
      Launched launched, String marker, Path output, CompletableFuture<Exited> exit) {}

  private Exited run(String script) throws Exception {
    return start(shell(script)).exit().get(10, TimeUnit.SECONDS);
  }

  private Started start(List<String> argv) throws SpawnException {
    return start(request(argv, null, ONE_MIB));
  }

  private LaunchRequest request(List<String> argv, Path output, long limit) {
    String marker = nextMarker();
    Path file =
        output != null ? output : dir.resolve(marker.substring(markerPrefix.length()) + ".out");
    return new LaunchRequest(marker, argv, BASE_ENV, dir, file, limit);
  }

  private Started start(LaunchRequest request) throws SpawnException {
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

  private String nextMarker() {
    return markerPrefix + "attempt-" + ++attempts;
  }

  private static List<String> shell(String script) {
    return List.of("/bin/sh", "-c", script);
  }

  private static long awaitFirstPid(Path output) {
    await("the step printed a pid", () -> readQuietly(output).endsWith("\n"));
    return Long.parseLong(readQuietly(output).lines().findFirst().orElseThrow().trim());
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
