package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.v1.Attempt;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepRun;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.StreamLogsRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetRun, and so {@code cairn status}, says exactly what the log says. */
class StatusIT extends SharedServer {
  @TempDir static Path gates;

  @Test
  void aRunningAttemptHasNoDurationButAStartTimeAndItsOutputSoFar() {
    String runId = runs.submit(workflow("running", shell("busy", "echo started; sleep 30")));
    Run run =
        runs.awaitStatus(
            runId,
            r -> r.getSteps(0).getStatus() == StepStatus.STEP_STATUS_RUNNING,
            Duration.ofSeconds(20));
    Attempt attempt = run.getSteps(0).getAttempts(0);
    assertThat(attempt.hasStartTime()).isTrue();
    assertThat(attempt.hasDuration())
        .as("a running attempt's duration is not zero, it is unset")
        .isFalse();
    runs.awaitOutput(runId, "busy", "started\n");
    assertThat(runs.get(runId).getSteps(0).getAttempts(0).getOutputBytes())
        .as("what the running attempt has written so far")
        .isEqualTo("started\n".length());
    server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
    runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(20));
  }

  @Test
  void aCancelledAttemptKeepsItsSignalItsOutputAndTheCancelReason() {
    String runId =
        runs.submit(workflow("cancelled", shell("serve", "echo listening; exec sleep 30")));
    runs.awaitStatus(
        runId,
        r -> r.getSteps(0).getStatus() == StepStatus.STEP_STATUS_RUNNING,
        Duration.ofSeconds(20));
    runs.awaitOutput(runId, "serve", "listening\n");
    server
        .stub()
        .cancelRun(
            CancelRunRequest.newBuilder().setRunId(runId).setReason("window closed").build());
    Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(20));

    assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    assertThat(run.getCancelReason()).isEqualTo("window closed");
    assertThat(run.getCancelPrincipal()).isNotEmpty();
    StepRun step = run.getSteps(0);
    assertThat(step.getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    Attempt attempt = step.getAttempts(0);
    assertThat(attempt.getSignal()).as("sleep dies of the SIGTERM it is sent").isEqualTo(15);
    assertThat(attempt.getExitCode()).as("128 + signal, as a shell reports it").isEqualTo(143);
    assertThat(attempt.hasDuration()).isTrue();
    assertThat(attempt.getOutputBytes()).isEqualTo("listening\n".length());
  }

  /**
   * A followed stream of a step that waits for its upstream waits with it, then sends the step's
   * output (before, it failed at once: "has not started yet").
   */
  @Test
  void followingAStepThatHasNotStartedWaitsForIt() throws Exception {
    Path gate = gates.resolve("upstream-may-end");
    String runId =
        runs.submit(
            workflow(
                "logs-wait",
                shell("a", "while [ ! -e '" + gate + "' ]; do sleep 0.05; done"),
                shell("b", "echo from-b", "a")));
    CompletableFuture<String> followed = follow(runId, "b");
    Files.writeString(gate, "");
    assertThat(followed.get(30, TimeUnit.SECONDS)).isEqualTo("from-b\n");
  }

  /** A followed step that ends without running ends the stream, saying why. */
  @Test
  void followingAStepThatEndsWithoutRunningSaysSo() throws Exception {
    String runId =
        runs.submit(
            workflow("logs-never", shell("a", "exec sleep 30"), shell("b", "echo never", "a")));
    CompletableFuture<String> followed = follow(runId, "b");
    runs.awaitStatus(
        runId,
        r -> r.getSteps(0).getStatus() == StepStatus.STEP_STATUS_RUNNING,
        Duration.ofSeconds(20));
    server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
    Throwable error = catchThrowable(() -> followed.get(30, TimeUnit.SECONDS));
    assertThat(error).isInstanceOf(ExecutionException.class);
    io.grpc.Status status = io.grpc.Status.fromThrowable(error.getCause());
    assertThat(status.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("step 'b' did not run (it ended CANCELLED)");
  }

  private static CompletableFuture<String> follow(String runId, String stepId) {
    return CompletableFuture.supplyAsync(() -> runs.logs(runId, stepId, 0, true));
  }

  /** A step or an attempt the run does not have is NOT_FOUND, as a run that does not exist is. */
  @Test
  void logsOfAStepOrAttemptTheRunDoesNotHaveAreNotFound() {
    String runId = runs.submit(workflow("logs-missing", shell("a", "echo hi")));
    runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(20));
    assertNotFound(
        StreamLogsRequest.newBuilder().setRunId(runId).setStepId("nope").build(),
        "STEP_NOT_FOUND",
        "step_id",
        "has no step 'nope'");
    assertNotFound(
        StreamLogsRequest.newBuilder().setRunId(runId).setStepId("a").setAttempt(-1).build(),
        "ATTEMPT_NOT_FOUND",
        "attempt",
        "has no attempt 4294967295");
  }

  private static void assertNotFound(
      StreamLogsRequest request, String reason, String field, String message) {
    io.grpc.StatusRuntimeException error =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class,
            () -> server.stub().streamLogs(request).forEachRemaining(chunk -> {}));
    assertThat(error.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
    assertThat(error.getStatus().getDescription()).contains(message);
    com.google.rpc.ErrorInfo info = ErrorInfos.of(error);
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(info.getMetadataMap()).containsEntry("field", field);
  }

  @Test
  void theEffectiveRetryPolicyFillsTheServersDefaults() {
    String runId =
        runs.submit(
            workflow(
                "retry",
                shell("flaky", "true").toBuilder()
                    .setRetry(RetryPolicy.newBuilder().setMaxAttempts(3))
                    .build(),
                shell("once", "true")));
    Run run = runs.awaitStatus(runId, Runs::terminal, Duration.ofSeconds(20));

    RetryPolicy flaky = run.getSteps(0).getEffectiveRetry();
    assertThat(flaky.getMaxAttempts()).isEqualTo(3);
    assertThat(flaky.getMultiplier()).isEqualTo(2.0);
    assertThat(flaky.getInitialBackoff().getSeconds()).isEqualTo(1);
    assertThat(flaky.getMaxBackoff().getSeconds()).isEqualTo(60);
    assertThat(run.getSteps(1).getEffectiveRetry().getMaxAttempts()).isEqualTo(1);
  }
}
