package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.retried;
import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_SUBMITTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_FAILED;
import static dev.cairn.v1.Event.PayloadCase.STEP_RETRY_SCHEDULED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.engine.Times;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Timers and the shutdown: a retry falling due brings back its run (c38d002), even when its timer
 * fires early; a deadline stops its attempt; a shutdown records each stopped attempt as interrupted
 * and stops a start that arrives meanwhile.
 */
class ShellTimersTest {
  private final ShellHarness shell = new ShellHarness().started();

  @Test
  void aRetryFallingDueStartsTheNextAttemptThenAndNotBefore() {
    String run = shell.submit(spec(retried("a", 3, Duration.ofSeconds(10))));
    String other = shell.submit(spec(step("b")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    shell.then(() -> a.exited(1, 0));
    assertThat(shell.history(run))
        .containsExactly(RUN_SUBMITTED, STEP_STARTED, STEP_FAILED, STEP_RETRY_SCHEDULED);

    shell.advance(Duration.ofSeconds(9));
    assertThat(shell.runner.launches).hasSize(2);

    shell.advance(Duration.ofSeconds(1));
    assertThat(shell.runner.launches).hasSize(3);
    assertThat(shell.runner.launch(run, "a").attempt).isEqualTo(2);
    assertThat(shell.runner.launch(other, "b").attempt).isEqualTo(1);
  }

  @Test
  void aRetryTimerThatFiresEarlyAsksAgainAtTheDueTime() {
    String run = shell.submit(spec(retried("a", 3, Duration.ofSeconds(10))));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    shell.then(() -> a.exited(1, 0));
    var due = shell.clock.now().plusSeconds(10);

    // The timer fires while the (slewed) clock still reads 2 s before the due time.
    shell.clock.advance(Duration.ofSeconds(8));
    shell.timers.fireDue(due);
    shell.drain();
    assertThat(shell.runner.launches).hasSize(1);
    assertThat(shell.timers.waiting()).containsExactly(due);

    shell.advance(Duration.ofSeconds(2));
    assertThat(shell.runner.launch(run, "a").attempt).isEqualTo(2);
  }

  @Test
  void aDeadlineStopsItsAttemptAndTheExitFailsItAsTimedOut() {
    String run =
        shell.submit(
            spec(step("a").toBuilder().setTimeout(Times.duration(Duration.ofSeconds(5))).build()));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);

    shell.advance(Duration.ofSeconds(5));
    assertThat(shell.history(run)).endsWith(STEP_TIMED_OUT);
    assertThat(shell.runner.stops).containsExactly(a.marker);

    shell.then(() -> a.exited(0, 15));
    assertThat(shell.events(run).get(3).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
    assertThat(shell.status(run)).isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }

  @Test
  void aShutdownStopsEveryAttemptAndRecordsEachAsInterrupted() {
    String run = shell.submit(spec(step("a"), step("b")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    ScriptedRunner.Launch b = shell.runner.launch(run, "b");
    shell.then(a::started);

    shell.shutdown();
    assertThat(shell.runner.stops).containsExactly(a.marker);
    // b was being launched: its start is recorded, then stopped at once.
    shell.then(b::started);
    assertThat(shell.runner.stops).containsExactly(a.marker, b.marker);

    shell.then(() -> a.exited(0, 15));
    shell.then(() -> b.exited(143, 0));

    assertThat(shell.events(run).stream().filter(e -> e.hasStepFailed()))
        .extracting(e -> e.getStepFailed().getReason())
        .containsExactly(
            FailureReason.FAILURE_REASON_INTERRUPTED, FailureReason.FAILURE_REASON_INTERRUPTED);
    assertThat(shell.status(run)).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(shell.runner.launches).hasSize(2);
    assertThat(shell.engine.runningAttempts()).isZero();
  }
}
