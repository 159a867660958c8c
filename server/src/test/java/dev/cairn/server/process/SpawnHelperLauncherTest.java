package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What only the native helper does: exact wait statuses, its own failures, and its death. */
class SpawnHelperLauncherTest extends SupervisorTestSupport {
  @Test
  void usesTheHelper() {
    assertThat(supervisor.launcherName()).contains("cairn-spawn");
  }

  @Test
  void anExitStatusIsNeverTakenForASignal() throws Exception {
    Exited exited = run("exit 137");
    assertThat(exited.exitCode()).isEqualTo(137);
    assertThat(exited.signal()).isZero();
  }

  @Test
  void theStepIsTheOnlyExecAndAChildOfItsShimUnderTheHelper() throws Exception {
    Started started = start(List.of("sleep", "1000"));
    long pid = started.launched().pid();
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString())
        .isEqualTo("sleep");
    // The shim is a fork of the helper without an exec: the same program.
    long shim = Long.parseLong(TestProcesses.statFields(pid)[1]);
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + shim + "/exe")).getFileName().toString())
        .startsWith("cairn-spawn-");
    long helper = Long.parseLong(TestProcesses.statFields(shim)[1]);
    assertThat(Files.readSymbolicLink(Path.of("/proc/" + helper + "/exe")).getFileName().toString())
        .startsWith("cairn-spawn-");
    long helperParent = Long.parseLong(TestProcesses.statFields(helper)[1]);
    assertThat(helperParent).isEqualTo(ProcessHandle.current().pid());
    supervisor.stop(started.launched(), started.marker());
    started.exit().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aScriptWithoutAnInterpreterLineRunsWithTheShell() throws Exception {
    Path script = dir.resolve("plain-script");
    Files.writeString(script, "echo from the script; exit 4\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Started started = start(List.of(script.toString(), "arg"));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);
    assertThat(exited.exitCode()).isEqualTo(4);
    assertThat(Files.readString(started.output())).isEqualTo("from the script\n");
  }

  @Test
  void aSilentStepCreatesNoOutputFile() throws Exception {
    Started started = start(List.of("true"));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);
    assertThat(exited.exitCode()).isZero();
    assertThat(exited.outputBytes()).isZero();
    assertThat(started.output()).doesNotExist();
  }

  @Test
  void theOutputDirectoryIsMadeAtTheFirstByteOnly() throws Exception {
    Path silent = dir.resolve("silent-run/deeper/step.1.log");
    start(request(List.of("true"), silent, ONE_MIB)).exit().get(10, TimeUnit.SECONDS);
    assertThat(dir.resolve("silent-run")).doesNotExist();

    Path spoken = dir.resolve("spoken-run/deeper/step.1.log");
    start(request(shell("echo hello"), spoken, ONE_MIB)).exit().get(10, TimeUnit.SECONDS);
    assertThat(spoken).hasContent("hello");
  }

  @Test
  void aSilentStepStillTruncatesAnOlderFileOfTheSameName() throws Exception {
    Path output = dir.resolve("older.out");
    Files.writeString(output, "an older attempt's output\n");
    Started started = start(request(List.of("true"), output, ONE_MIB));
    started.exit().get(10, TimeUnit.SECONDS);
    assertThat(output).isEmptyFile();
  }

  @Test
  void outputWrittenJustBeforeTheLeaderExitsIsInTheFileWhenTheExitIsReported() throws Exception {
    // More than a pipe holds (64 KiB), so the helper drains while the step writes, and the last
    // bytes arrive right before the exit.
    for (int i = 0; i < 20; i++) {
      Started started = start(shell("head -c 300000 /dev/zero; echo end"));
      Exited exited = started.exit().get(10, TimeUnit.SECONDS);
      assertThat(exited.outputBytes()).isEqualTo(300_004);
      assertThat(Files.size(started.output())).isEqualTo(300_004);
    }
  }

  @Test
  void theOutputLimitCountsOnlyTheOutputAndLeavesExactlyTheLimitInTheFile() throws Exception {
    Started started = start(request(shell("head -c 5000 /dev/zero; sleep 1000"), null, 4096));
    Exited exited = started.exit().get(10, TimeUnit.SECONDS);
    assertThat(exited.outputLimitExceeded()).isTrue();
    assertThat(exited.signal()).isEqualTo(PosixSignals.SIGKILL);
    assertThat(Files.size(started.output())).isEqualTo(4096);
  }

  @Test
  void anOutputFileThatCannotBeOpenedIsASpawnError() throws Exception {
    Path output = dir.resolve("a-directory");
    Files.createDirectories(output);
    LaunchRequest request = request(List.of("true"), output, ONE_MIB);
    assertThatThrownBy(() -> supervisor.launch(request, exited -> {}))
        .isInstanceOf(SpawnException.class)
        .hasMessage("cannot open output file " + output + ": is a directory");
  }

  @Test
  void whenTheHelperDiesItsStepsDieAndReportAndTheNextStartGetsANewHelper() throws Exception {
    Started first = start(shell("exec sleep 1000"));
    Started second = start(shell("exec sleep 1000"));
    long shim = Long.parseLong(TestProcesses.statFields(first.launched().pid())[1]);
    long helper = Long.parseLong(TestProcesses.statFields(shim)[1]);

    PosixSignals.signalProcess(helper, PosixSignals.SIGKILL);

    assertThat(first.exit().get(10, TimeUnit.SECONDS).signal()).isEqualTo(PosixSignals.SIGKILL);
    assertThat(second.exit().get(10, TimeUnit.SECONDS).signal()).isEqualTo(PosixSignals.SIGKILL);
    await(
        "the steps died with their helper",
        () -> !isRunning(first.launched().pid()) && !isRunning(second.launched().pid()));
    assertThat(run("exit 5").exitCode()).isEqualTo(5);
  }
}
