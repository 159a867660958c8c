package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.retried;
import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.v1.Event.PayloadCase.RUN_FAILED;
import static dev.cairn.v1.Event.PayloadCase.RUN_TIMED_OUT;
import static dev.cairn.v1.Event.PayloadCase.STEP_CANCELLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.engine.Times;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A run's timeout in the shell: the deadline recorded at submit arms a timer, its firing stops
 * every attempt as a cancel does, and a restart arms it again from the log.
 */
class ShellRunTimeoutTest {
  private final ShellHarness shell = new ShellHarness().started();

  private static WorkflowSpec twoSeconds() {
    return twoSeconds(Duration.ofSeconds(1));
  }

  private static WorkflowSpec twoSeconds(Duration backoff) {
    return spec(retried("a", 3, backoff)).toBuilder()
        .setTimeout(Times.duration(Duration.ofSeconds(2)))
        .build();
  }

  @Test
  void theDeadlineStopsTheRunningAttemptAndTheRunFailsWithTimeout() {
    String run = shell.submit(twoSeconds());
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);

    shell.advance(Duration.ofMillis(1999));
    assertThat(shell.history(run)).doesNotContain(RUN_TIMED_OUT);
    shell.advance(Duration.ofMillis(1));
    assertThat(shell.history(run)).endsWith(RUN_TIMED_OUT);
    assertThat(shell.runner.stops).containsExactly(a.marker);

    shell.then(() -> a.exited(143, 15));
    assertThat(shell.history(run)).endsWith(RUN_TIMED_OUT, STEP_CANCELLED, RUN_FAILED);
    assertThat(shell.events(run).get(shell.events(run).size() - 1).getRunFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
    assertThat(shell.status(run)).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    // No retry after the deadline: the attempt was the only one.
    assertThat(shell.runner.launches).hasSize(1);
  }

  @Test
  void aRestartArmsTheDeadlineAgainFromTheLog() {
    String run = shell.submit(twoSeconds(Duration.ofSeconds(10)));
    shell.then(shell.runner.launch(run, "a")::started);

    // The server dies here; the next one finds the attempt LOST and schedules its retry.
    ShellHarness restarted = new ShellHarness(shell.log).started();
    assertThat(restarted.timers.waiting()).contains(shell.clock.now().plusSeconds(2));
    restarted.advance(Duration.ofSeconds(2));
    assertThat(restarted.history(run)).contains(RUN_TIMED_OUT).endsWith(RUN_FAILED);
    assertThat(restarted.status(run)).isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }
}
