package dev.cairn.bench;

import com.google.protobuf.Duration;
import dev.cairn.v1.Argv;
import dev.cairn.v1.Event;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills the server with SIGKILL in the middle of a long chain of {@code true} steps, starts a new
 * server on the same data directory, and times from the new server's process start to the first
 * StepStarted it records (the event's own time, on the same clock). Steps may retry once after 1
 * ms, so the attempt lost in the crash is tried again instead of failing the run.
 *
 * <p>The kill comes while a known step runs: one step a tenth of the way in sleeps instead of
 * exiting at once, and the server is killed when it starts. (A kill between a step's end and the
 * next step's start is another case; see bench/README.md.)
 */
final class RecoveryBench {
  private RecoveryBench() {}

  /** Times in nanoseconds; {@code lost} is how many attempts recovery recorded as LOST. */
  record Result(
      int steps,
      long stepsBeforeKill,
      long toReadyNanos,
      long toFirstStepNanos,
      long jvmStartNanos,
      long emptyServerStartNanos) {}

  static Result run(Path root, Path workDir, int steps, long jvmStartNanos, long emptyStartNanos)
      throws IOException, InterruptedException {
    Path dataDir = workDir.resolve("cairn-data");
    String runId;
    long startedBeforeKill = 0;
    int killStep = Math.max(1, steps / 10);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    CairnServerProcess first = CairnServerProcess.start(root, dataDir, 8);
    try {
      runId =
          first
              .runs()
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .submitRun(SubmitRunRequest.newBuilder().setSpec(spec(steps, killStep)).build())
              .getRunId();
      Iterator<WatchEventsResponse> stream =
          first
              .runs()
              .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build());
      String killAt = "s" + killStep;
      while (stream.hasNext()) {
        Event event = stream.next().getEvent();
        if (event.hasStepStarted()) {
          startedBeforeKill++;
          if (event.getStepStarted().getStepId().equals(killAt)) {
            break;
          }
        }
        if (RunTimer.isTerminal(event)) {
          throw new IllegalStateException("the run ended before the server was killed");
        }
      }
    } finally {
      first.killHard();
    }

    try (CairnServerProcess second = CairnServerProcess.start(root, dataDir, 8)) {
      Instant launchedAt = second.launchedAt;
      Iterator<WatchEventsResponse> stream =
          second
              .runs()
              .watchEvents(WatchEventsRequest.newBuilder().setRunId(runId).setFollow(true).build());
      while (stream.hasNext()) {
        Event event = stream.next().getEvent();
        Instant time =
            Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos());
        if (event.hasStepStarted() && !time.isBefore(launchedAt)) {
          long toFirstStep = java.time.Duration.between(launchedAt, time).toNanos();
          long toReady = second.readyNanos - second.launchedNanos;
          return new Result(
              steps, startedBeforeKill, toReady, toFirstStep, jvmStartNanos, emptyStartNanos);
        }
        if (RunTimer.isTerminal(event)) {
          throw new IllegalStateException("the run ended without a step started after the restart");
        }
      }
      throw new IllegalStateException("the event stream ended before a step started");
    }
  }

  private static WorkflowSpec spec(int steps, int sleepingStep) {
    RetryPolicy retry =
        RetryPolicy.newBuilder()
            .setMaxAttempts(2)
            .setInitialBackoff(Duration.newBuilder().setNanos(1_000_000))
            .setMaxBackoff(Duration.newBuilder().setNanos(1_000_000))
            .build();
    List<StepSpec> nodes = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      StepSpec.Builder step =
          StepSpec.newBuilder()
              .setId("s" + i)
              .setArgv(
                  i == sleepingStep
                      ? Argv.newBuilder().addArgs("sleep").addArgs("1")
                      : Argv.newBuilder().addArgs("true"))
              .setRetry(retry);
      if (i > 0) {
        step.addDependsOn("s" + (i - 1));
      }
      nodes.add(step.build());
    }
    return WorkflowSpec.newBuilder().setName("bench-recovery").addAllSteps(nodes).build();
  }
}
