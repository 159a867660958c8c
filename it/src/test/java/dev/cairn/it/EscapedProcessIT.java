package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps whose children drop CAIRN_MARKER and leave the step's session (setsid -f, a double fork,
 * nohup) leave nothing behind: after the step exits, after a cancel, after a timeout, and after
 * kill -9 of the server and a restart. The marker sweep cannot see these processes; the attempt
 * shim of the native launcher, their subreaper, ends them. Each one is a sleep with an argument no
 * other process has, found by scanning /proc for it.
 */
class EscapedProcessIT {
  @TempDir Path dataDir;

  private final List<String> arguments = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    // Whatever a failing test left behind, found by the arguments only its processes have.
    for (String argument : arguments) {
      for (long pid : ProcScan.withArgument(argument)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private String sleepArgument() {
    String argument = "1000." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    arguments.add(argument);
    return argument;
  }

  /**
   * Four steps, each starting an escapee that drops the marker, waiting until it runs (so the test
   * cannot pass on an escapee that never started), then running {@code rest}. The escapee touches a
   * file and becomes {@code sleep ARGUMENT}, keeping its pid.
   */
  private WorkflowSpec escapes(String rest) {
    Path escapee = dataDir.resolve("escapee.sh");
    try {
      Files.writeString(escapee, "touch \"$1\"; exec sleep \"$2\"\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] escapes = {
      "env -u CAIRN_MARKER setsid -f /bin/sh %s",
      "env -u CAIRN_MARKER /bin/sh -c '(setsid /bin/sh %s &) &'",
      "env -u CAIRN_MARKER /bin/sh -c '(/bin/sh %s &) &'",
      "env -u CAIRN_MARKER nohup setsid -f /bin/sh %s >/dev/null 2>&1",
    };
    String[] ids = {"setsid", "double-fork", "double-fork-in-group", "nohup"};
    var steps = new dev.cairn.v1.StepSpec[escapes.length];
    for (int i = 0; i < escapes.length; i++) {
      String argument = sleepArgument();
      Path up = dataDir.resolve("up-" + argument);
      String start = String.format(escapes[i], escapee + " " + up + " " + argument);
      steps[i] = shell(ids[i], start + "; until [ -e " + up + " ]; do sleep 0.01; done; " + rest);
    }
    return workflow("escapes", steps);
  }

  private List<Long> running() {
    List<Long> pids = new ArrayList<>();
    for (String argument : arguments) {
      pids.addAll(ProcScan.withArgument(argument));
    }
    return pids;
  }

  /**
   * Waits until every escapee is its final {@code sleep}. Counting processes alone would race: for
   * a moment the {@code setsid -f} that starts one, or the shell before its exec, carries the same
   * argument.
   */
  private void awaitEscapeesUp() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sleeping().size() < arguments.size() && System.nanoTime() - deadline < 0) {
      ServerProcess.pause(20);
    }
    List<Long> sleeping = sleeping();
    assertThat(sleeping).as("escapees running").hasSize(arguments.size());
    for (long pid : sleeping) {
      assertThat(ProcScan.withEnvironment("CAIRN_MARKER="))
          .as("marker of the escapees")
          .doesNotContain(pid);
    }
  }

  /** The escapees that are their sleep by now, one per argument at most. */
  private List<Long> sleeping() {
    List<Long> pids = new ArrayList<>();
    for (String argument : arguments) {
      ProcScan.withArgument(argument).stream()
          .filter(pid -> "sleep".equals(command(pid)))
          .findFirst()
          .ifPresent(pids::add);
    }
    return pids;
  }

  private static String command(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException gone) {
      return "";
    }
  }

  private void assertNoneLeft() {
    assertThat(running()).as("escapees").extracting(ProcScan::describe).isEmpty();
  }

  @Test
  void nothingIsLeftWhenTheStepsSucceed() {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      String runId = runs.submit(escapes("exit 0"));
      runs.follow(runId);
      // No polling: the terminal event is written only once nothing of the run is left.
      assertNoneLeft();
      assertThat(runs.get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    }
  }

  @Test
  void nothingIsLeftAfterACancel() {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      String runId = runs.submit(escapes("sleep 1000"));
      awaitEscapeesUp();
      server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
      runs.follow(runId);
      assertNoneLeft();
      assertThat(runs.get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    }
  }

  @Test
  void nothingIsLeftAfterATimeout() {
    try (ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s")) {
      Runs runs = new Runs(server);
      WorkflowSpec spec = escapes("sleep 1000");
      WorkflowSpec timed =
          spec.toBuilder()
              .setDefaults(spec.getDefaults().toBuilder().setTimeout(Specs.millis(4000)))
              .build();
      String runId = runs.submit(timed);
      awaitEscapeesUp();
      runs.follow(runId);
      assertNoneLeft();
      var run = runs.get(runId);
      assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
      assertThat(run.getStepsList())
          .allSatisfy(
              step ->
                  assertThat(step.getAttempts(0).getFailureReason())
                      .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT));
    }
  }

  @Test
  void nothingIsLeftAfterKillNineAndARestart() {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      String runId = runs.submit(escapes("sleep 1000"));
      awaitEscapeesUp();
      runs.awaitStatus(
          runId,
          run -> run.getStepsList().stream().allMatch(step -> step.getAttemptsCount() == 1),
          Duration.ofSeconds(30));
      server.kill9();
      // The server's death ends the launcher, whose attempt shims then kill their attempts; the
      // marker sweep of the restarted server could not have found these processes.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!running().isEmpty() && System.nanoTime() - deadline < 0) {
        ServerProcess.pause(20);
      }
      assertNoneLeft();
      server.relaunch();
      var run = runs.get(runId);
      assertThat(run.getStepsList())
          .allSatisfy(
              step ->
                  assertThat(step.getAttempts(0).getFailureReason())
                      .isEqualTo(FailureReason.FAILURE_REASON_LOST));
      server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
      runs.follow(runId);
      assertThat(runs.get(runId).getStepsList())
          .allSatisfy(
              step -> assertThat(step.getStatus()).isNotEqualTo(StepStatus.STEP_STATUS_RUNNING));
      assertNoneLeft();
    } finally {
      server.close();
    }
  }
}
