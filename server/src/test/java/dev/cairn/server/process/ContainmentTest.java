package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static dev.cairn.server.process.TestProcesses.runningWithArgument;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Processes that leave the step's session and drop its marker still end with their attempt: the
 * native helper's attempt shim is their subreaper. Each escapee is a {@code sleep} with an argument
 * no other process has, found by that argument, and it records that it really escaped (its session
 * and whether it still has the marker) before the step goes on.
 */
class ContainmentTest extends SupervisorTestSupport {
  /** The ways a step's process can leave its session and its marker behind. */
  enum Escape {
    SETSID_FORK("env -u CAIRN_MARKER setsid -f /bin/sh %s"),
    DOUBLE_FORK("env -u CAIRN_MARKER /bin/sh -c '(setsid /bin/sh %s &) &'"),
    DOUBLE_FORK_IN_GROUP("env -u CAIRN_MARKER /bin/sh -c '(/bin/sh %s &) &'"),
    NOHUP_SETSID("env -u CAIRN_MARKER nohup setsid -f /bin/sh %s >/dev/null 2>&1"),
    NOHUP_DOUBLE_FORK("env -u CAIRN_MARKER nohup /bin/sh -c '(setsid /bin/sh %s &) &' >/dev/null");

    private final String template;

    Escape(String template) {
      this.template = template;
    }

    String command(String daemonArguments) {
      return String.format(template, daemonArguments);
    }
  }

  private final List<String> sleepArguments = new ArrayList<>();
  private Path daemon;

  @BeforeEach
  void writeDaemon() throws IOException {
    // Writes "pid marker-or-none session" into $1 once it runs, then becomes sleep $2 (same pid).
    // $3, when given, is a signal the daemon ignores, as the sleep it becomes does.
    daemon = dir.resolve("daemon.sh");
    Files.writeString(
        daemon,
        "[ -n \"$3\" ] && trap '' \"$3\"\n"
            + "echo \"$$ ${CAIRN_MARKER:-none} $(cut -d' ' -f6 /proc/$$/stat)\" > \"$1.tmp\"\n"
            + "mv \"$1.tmp\" \"$1\"\n"
            + "exec sleep \"$2\"\n");
  }

  @AfterEach
  void killLeftovers() {
    // Whatever a failed test left behind, by the arguments only its processes have.
    for (String argument : sleepArguments) {
      for (long pid : runningWithArgument(argument)) {
        PosixSignals.signalProcess(pid, PosixSignals.SIGKILL);
      }
    }
  }

  /** An escapee about to be started: its sleep argument and the file it reports itself in. */
  private record Escapee(String argument, Path report) {
    long pid() {
      return Long.parseLong(fields()[0]);
    }

    String[] fields() {
      return readQuietly(report).trim().split(" ");
    }
  }

  private Escapee escapee() {
    String argument = TestProcesses.uniqueSleepArgument();
    sleepArguments.add(argument);
    return new Escapee(argument, dir.resolve("escapee-" + argument));
  }

  /** The step's script: start the escapee, wait until it runs, then {@code rest}. */
  private String script(Escape escape, Escapee escapee, String ignoredSignal, String rest) {
    String arguments = daemon + " " + escapee.report() + " " + escapee.argument();
    if (ignoredSignal != null) {
      arguments += " " + ignoredSignal;
    }
    return escape.command(arguments)
        + "; until [ -s "
        + escapee.report()
        + " ]; do sleep 0.01; done; "
        + rest;
  }

  /** What the escapee recorded: it left the leader's session and has no marker. */
  private static void assertEscaped(Escapee escapee, Started started) {
    String[] fields = escapee.fields();
    assertThat(fields).hasSize(3);
    assertThat(fields[1]).as("the escapee's marker").isEqualTo("none");
    if (!fields[2].equals(Long.toString(started.launched().pid()))) {
      assertThat(fields[2]).as("the escapee's session").isEqualTo(fields[0]);
    }
  }

  private static void assertGone(Escapee escapee) {
    assertThat(isRunning(escapee.pid())).as("escapee %d", escapee.pid()).isFalse();
    assertThat(runningWithArgument(escapee.argument())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Escape.class)
  void anEscapeeIsGoneWhenTheSuccessfulStepIsReported(Escape escape) throws Exception {
    Escapee escapee = escapee();
    Started started = start(shell(script(escape, escapee, null, "exit 0")));

    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    // No polling: nothing of the attempt may outlive the report of its end.
    assertGone(escapee);
    assertEscaped(escapee, started);
    assertThat(exited.exitCode()).isZero();
    assertThat(exited.signal()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Escape.class)
  void stopEndsAnEscapee(Escape escape) throws Exception {
    Escapee escapee = escapee();
    Started started = start(shell(script(escape, escapee, null, "exec sleep 1000")));
    await("the escapee runs", () -> !readQuietly(escapee.report()).isEmpty());
    assertThat(isRunning(escapee.pid())).isTrue();

    supervisor.stop(started.launched(), started.marker());
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertGone(escapee);
    assertEscaped(escapee, started);
    assertThat(exited.signal()).isEqualTo(PosixSignals.SIGTERM);
  }

  @Test
  void killEndsAnEscapeeThatIgnoresSigtermAtOnce() throws Exception {
    // A grace far longer than the kill may take, so that a kill that waited for it shows.
    supervisor.close();
    supervisor = new ProcessSupervisor(Duration.ofSeconds(20), launcherKind(), dir.resolve("bin"));
    Escapee escapee = escapee();
    Started started = start(shell(script(Escape.SETSID_FORK, escapee, "TERM", "exec sleep 1000")));
    await("the escapee runs", () -> !readQuietly(escapee.report()).isEmpty());

    long killNanos = System.nanoTime();
    supervisor.kill(started.launched(), started.marker());
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertGone(escapee);
    assertThat(exited.signal()).isEqualTo(PosixSignals.SIGKILL);
    // A leader killed with SIGKILL takes its escapees with it without a grace period.
    assertThat(Duration.ofNanos(System.nanoTime() - killNanos)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anEscapeeThatIgnoresSigtermGetsSigkillAfterTheGrace() throws Exception {
    Escapee escapee = escapee();
    Started started = start(shell(script(Escape.SETSID_FORK, escapee, "TERM", "exit 3")));

    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertGone(escapee);
    assertThat(exited.exitCode()).isEqualTo(3);
    // It ignored the SIGTERM sent when the leader exited, so only the SIGKILL after the grace
    // ended it, and the report waited for that.
    assertThat(exited.duration()).isGreaterThanOrEqualTo(GRACE);
  }

  @Test
  void anEscapeeDiesWithAShimThatWasKilled() throws Exception {
    Escapee escapee = escapee();
    // $PPID of the step's shell is its attempt shim.
    Started started =
        start(shell(script(Escape.SETSID_FORK, escapee, null, "kill -9 $PPID; exec sleep 1000")));

    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    // The leader died of its parent-death signal; the helper, a subreaper too, killed the rest.
    assertThat(exited.signal()).isEqualTo(PosixSignals.SIGKILL);
    assertGone(escapee);
    assertThat(isRunning(started.launched().pid())).isFalse();
    assertThat(run("exit 6").exitCode()).isEqualTo(6);
  }

  @Test
  void anEscapeeDiesWithTheHelper() throws Exception {
    Escapee escapee = escapee();
    Started started = start(shell(script(Escape.SETSID_FORK, escapee, null, "exec sleep 1000")));
    await("the escapee runs", () -> !readQuietly(escapee.report()).isEmpty());
    long shim = Long.parseLong(TestProcesses.statFields(started.launched().pid())[1]);
    long helper = Long.parseLong(TestProcesses.statFields(shim)[1]);

    PosixSignals.signalProcess(helper, PosixSignals.SIGKILL);
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.signal()).isEqualTo(PosixSignals.SIGKILL);
    assertGone(escapee);
    assertThat(isRunning(shim)).isFalse();
    assertThat(run("exit 5").exitCode()).isEqualTo(5);
  }

  @Test
  void aPipeHeldOutsideTheAttemptDoesNotHoldBackItsEnd() throws Exception {
    Started started = start(shell("echo ready; exec sleep 1000"));
    await("the step runs", () -> readQuietly(started.output()).equals("ready\n"));
    // This JVM, no process of the attempt, opens the step's stdout: a second writer of the pipe.
    Path stdout = Path.of("/proc", Long.toString(started.launched().pid()), "fd", "1");
    try (var outsider = Files.newOutputStream(stdout)) {
      supervisor.stop(started.launched(), started.marker());
      Exited exited = started.exit().get(10, TimeUnit.SECONDS);
      assertThat(exited.signal()).isEqualTo(PosixSignals.SIGTERM);
      // What the outsider writes after the end still reaches the file, until it closes the pipe.
      outsider.write("late\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    await("the late line is in the file", () -> readQuietly(started.output()).endsWith("late\n"));
  }

  @Test
  void anEscapeeWritingPastTheOutputLimitEndsWithTheAttempt() throws Exception {
    String argument = TestProcesses.uniqueSleepArgument();
    sleepArguments.add(argument);
    Started started =
        start(
            request(
                shell("env -u CAIRN_MARKER setsid -f yes " + argument + "; exec sleep 1000"),
                null,
                4096));

    Exited exited = started.exit().get(10, TimeUnit.SECONDS);

    assertThat(exited.outputLimitExceeded()).isTrue();
    assertThat(exited.signal()).isEqualTo(PosixSignals.SIGKILL);
    assertThat(runningWithArgument(argument)).isEmpty();
    assertThat(Files.size(started.output())).isEqualTo(4096);
  }
}
