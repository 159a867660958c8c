package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static dev.cairn.server.process.TestProcesses.runningWithMarker;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks ProcTable and the marker sweep against processes started without the supervisor. */
class ProcTableTest {
  @TempDir Path dir;

  private final String markerPrefix = "cairn-test/" + UUID.randomUUID() + "/";
  private final ProcTable procTable = new ProcTable();
  private final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofMillis(100));
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    supervisor.sweep(markerPrefix);
    supervisor.close();
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void parsesStatWhoseCommandNameHasSpacesAndParentheses() {
    String line =
        "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 8 9 10\n";
    ProcStat stat = ProcTable.parseStat(4242, line);
    assertThat(stat).isEqualTo(new ProcStat(4242, 'S', 1, 4242, 4242, 987654));
  }

  @Test
  void startTicksAreStableAndIdentifyTheProcess() throws Exception {
    Process sleeper = start(markerPrefix + "ticks", "sleep", "1000");
    long pid = sleeper.pid();
    long ticks = procTable.startTicks(pid).orElseThrow();

    assertThat(ticks).isPositive();
    assertThat(procTable.startTicks(pid)).hasValue(ticks);
    assertThat(procTable.sameProcess(pid, ticks)).isTrue();
    assertThat(procTable.sameProcess(pid, ticks + 1)).isFalse();
  }

  @Test
  void statReportsParentAndGroup() throws Exception {
    Process sleeper = start(markerPrefix + "stat", "sleep", "1000");
    ProcStat stat = procTable.stat(sleeper.pid()).orElseThrow();
    ProcStat self = procTable.stat(ProcessHandle.current().pid()).orElseThrow();

    assertThat(stat.ppid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(stat.pgid()).isEqualTo(self.pgid());
    assertThat(stat.session()).isEqualTo(self.session());
    assertThat(stat.isDead()).isFalse();
  }

  @Test
  void aDeadProcessIsNoLongerTheSameProcess() throws Exception {
    Process sleeper = start(markerPrefix + "dead", "sleep", "1000");
    long pid = sleeper.pid();
    long ticks = procTable.startTicks(pid).orElseThrow();

    sleeper.destroyForcibly();
    assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(procTable.sameProcess(pid, ticks)).isFalse();
  }

  @Test
  void unknownPidHasNoStat() {
    assertThat(procTable.stat(999_999_999L)).isEmpty();
    assertThat(procTable.startTicks(999_999_999L)).isEmpty();
    assertThat(procTable.sameProcess(999_999_999L, 1)).isFalse();
  }

  @Test
  void findsMarkersExactlyOrByPrefix() throws Exception {
    Process one = start(markerPrefix + "a-1", "sleep", "1000");
    Process ten = start(markerPrefix + "a-10", "sleep", "1000");
    start("other/" + markerPrefix, "sleep", "1000");

    assertThat(procTable.marker(one.pid())).hasValue(markerPrefix + "a-1");
    assertThat(procTable.withMarker(markerPrefix + "a-1"))
        .extracting(ProcStat::pid)
        .containsExactly(one.pid());
    assertThat(procTable.withMarkerPrefix(markerPrefix + "a-"))
        .extracting(ProcStat::pid)
        .containsExactlyInAnyOrder(one.pid(), ten.pid());
    assertThat(procTable.marker(ProcessHandle.current().pid())).isEmpty();
  }

  @Test
  void groupMembershipFollowsLiveMembers() throws Exception {
    Process leader = start(markerPrefix + "group", "setsid", "sleep", "1000");
    await(
        "the process leads its own group",
        () -> procTable.stat(leader.pid()).map(s -> s.pgid() == leader.pid()).orElse(false));
    assertThat(procTable.groupHasLiveMember(leader.pid())).isTrue();

    leader.destroyForcibly();
    assertThat(leader.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(procTable.groupHasLiveMember(leader.pid())).isFalse();
  }

  @Test
  void sweepKillsEveryProcessWithThePrefixAndCountsThem() throws Exception {
    Path output = dir.resolve("sweep.out");
    Process shell =
        start(
            markerPrefix + "sweep",
            output,
            "sh",
            "-c",
            "sleep 1000 & sleep 1000 & echo started; wait");
    start("unrelated/" + UUID.randomUUID(), "sleep", "1000");
    Process unrelated = started.get(started.size() - 1);
    await("both children forked", () -> read(output).contains("started"));
    List<Long> before = runningWithMarker(markerPrefix + "sweep");
    assertThat(before).hasSize(3).contains(shell.pid());

    assertThat(supervisor.sweep(markerPrefix)).isEqualTo(3);

    assertThat(before).noneMatch(TestProcesses::isRunning);
    assertThat(isRunning(unrelated.pid())).isTrue();
    assertThat(supervisor.sweep(markerPrefix)).isZero();
  }

  @Test
  void sweepRepeatsUntilAForkingProcessIsGone() throws Exception {
    Path output = dir.resolve("forker.out");
    start(
        markerPrefix + "forker",
        output,
        "sh",
        "-c",
        "while :; do sleep 1000 & echo $!; sleep 0.01; done");
    await("several children forked", () -> read(output).lines().count() >= 5);

    assertThat(supervisor.sweep(markerPrefix)).isGreaterThanOrEqualTo(6);

    assertThat(runningWithMarker(markerPrefix + "forker")).isEmpty();
  }

  private Process start(String marker, String... command) throws IOException {
    return start(marker, null, command);
  }

  private Process start(String marker, Path output, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    builder.environment().put(LaunchRequest.MARKER_VARIABLE, marker);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.redirectOutput(
        output == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(output.toFile()));
    builder.redirectErrorStream(true);
    Process process = builder.start();
    started.add(process);
    await("the process started", () -> procTable.marker(process.pid()).isPresent());
    return process;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
