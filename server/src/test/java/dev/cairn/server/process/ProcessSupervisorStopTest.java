package dev.cairn.server.process;

import static dev.cairn.server.process.TestProcesses.await;
import static dev.cairn.server.process.TestProcesses.isRunning;
import static dev.cairn.server.process.TestProcesses.runningWithMarker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Stopping and killing: group signals, grace, marker sweeps, recovery, and leftover children. */
class ProcessSupervisorStopTest extends SupervisorTestSupport {
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
    // The child may still be between fork and exec when the shell prints its pid, when its
    // environment (and so its marker) is not readable yet.
    await(
        "the leader and the backgrounded child carry the marker",
        () ->
            runningWithMarker(started.marker())
                .containsAll(List.of(started.launched().pid(), child)));

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
  void killFromAnotherSupervisorEndsAnAttemptItDidNotStart() throws Exception {
    // Recovery: a new supervisor kills what the log says was started by an earlier one.
    Started started = start(shell("sleep 1000 & echo $!; sleep 1000"));
    long child = awaitFirstPid(started.output());

    try (ProcessSupervisor recovering = new ProcessSupervisor(GRACE)) {
      recovering.kill(started.launched(), started.marker());
    }

    assertThat(started.exit().get(10, TimeUnit.SECONDS).signal()).isEqualTo(9);
    assertThat(isRunning(child)).isFalse();
    assertThat(runningWithMarker(started.marker())).isEmpty();
  }

  @Test
  void stopFromAnotherSupervisorEndsAnAttemptItDidNotStart() throws Exception {
    Started started = start(shell("sleep 1000 & echo $!; sleep 1000"));
    long child = awaitFirstPid(started.output());

    try (ProcessSupervisor recovering = new ProcessSupervisor(GRACE)) {
      recovering.stop(started.launched(), started.marker());
      assertThat(started.exit().get(10, TimeUnit.SECONDS).signal()).isEqualTo(15);
    }

    assertThat(isRunning(child)).isFalse();
  }

  @Test
  void killLeavesAReusedPidAlone() throws Exception {
    Started stranger = start(shell("exec sleep 1000"));
    Launched stale =
        new Launched(
            stranger.launched().pid(),
            stranger.launched().pgid(),
            stranger.launched().startTicks() - 1);

    try (ProcessSupervisor recovering = new ProcessSupervisor(GRACE)) {
      recovering.kill(stale, markerPrefix + "some-earlier-attempt");
    }

    assertThat(isRunning(stranger.launched().pid())).isTrue();
    assertThat(stranger.exit()).isNotDone();
    supervisor.kill(stranger.launched(), stranger.marker());
    stranger.exit().get(10, TimeUnit.SECONDS);
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
}
