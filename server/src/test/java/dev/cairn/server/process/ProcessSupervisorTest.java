package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static dev.cairn.server.process.TestProcesses.runningWithMarker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Launching: exit status, output, environment, session, limits and spawn errors. */
class ProcessSupervisorTest extends SupervisorTestSupport {
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
    List<String> lines = Files.readAllLines(started.output());
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).isEqualTo(pid + " " + pid + " " + pid);
    assertThat(lines.get(1)).isEqualTo("/dev/null");
    assertThat(lines.get(2)).isEqualTo(lines.get(3)).matches(outputDescriptor(started));
    assertThat(lines.get(4)).isEqualTo(dir.toRealPath().toString());
  }

  /**
   * What stdout and stderr of a step point at: a pipe the native helper drains into the output
   * file, which it creates at the first byte.
   */
  String outputDescriptor(Started started) {
    return "pipe:\\[[0-9]+\\]";
  }

  /** The signal that ends a step writing past its output limit: the helper's SIGKILL. */
  int outputLimitSignal() {
    return PosixSignals.SIGKILL;
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
  void outputLimitEndsAStepThatWritesTooMuch() throws Exception {
    Started started = start(request(shell("yes"), dir.resolve("yes.out"), ONE_MIB));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.outputLimitExceeded()).isTrue();
    assertThat(exited.signal()).isEqualTo(outputLimitSignal());
    assertThat(Files.size(started.output())).isEqualTo(ONE_MIB);
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
  void outputDirectoryThatIsAFileIsASpawnError() throws Exception {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file, not a directory");
    LaunchRequest request =
        new LaunchRequest(
            nextMarker(), List.of("/bin/true"), BASE_ENV, dir, blocker.resolve("out"), ONE_MIB);
    assertThatThrownBy(() -> supervisor.launch(request, exited -> {}))
        .isInstanceOf(SpawnException.class)
        .hasMessageStartingWith("cannot ")
        .hasMessageContaining("output file " + blocker.resolve("out") + ": ")
        .hasMessageEndingWith("not a directory");
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
}
