package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static dev.cairn.v1.Event.PayloadCase.RUN_FAILED;
import static dev.cairn.v1.Event.PayloadCase.RUN_TIMED_OUT;
import static dev.cairn.v1.Event.PayloadCase.STEP_CANCELLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunTimeoutTest {
  private final RunFixture run = new RunFixture();

  private final WorkflowSpec spec =
      spec(step("a"), step("b"), step("c", "a")).toBuilder()
          .setTimeout(Times.duration(Duration.ofSeconds(2)))
          .build();

  @Test
  void theDeadlineIsRecordedAtSubmit() {
    run.submitted(spec);
    assertThat(Times.instant(run.decided.get(0).getRunSubmitted().getDeadline()))
        .isEqualTo(run.now.plusSeconds(2));
    assertThat(run.state.info().deadline()).isEqualTo(run.now.plusSeconds(2));
  }

  @Test
  void anEarlyTimerDecidesNothing() {
    run.submitted(spec);
    run.startReady(10);
    run.advance(Duration.ofMillis(1999)).when(new Trigger.RunTimeoutDue());
    assertThat(run.decided).isEmpty();
  }

  @Test
  void passedDeadlineStopsEveryStepAndTheRunFailsWithTimeout() {
    run.submitted(spec);
    run.startReady(10);
    run.advance(Duration.ofSeconds(2)).when(new Trigger.RunTimeoutDue());
    // The pending step is settled at once; the running ones are stopped by the shell.
    assertThat(run.decidedTypes()).containsExactly(RUN_TIMED_OUT, STEP_CANCELLED);
    assertThat(run.state.stopping()).isTrue();
    assertThat(Scheduler.startable(run.state, run.now, 10)).isEmpty();
    run.when(new Trigger.AttemptExited("a", 1, 143, 15, 0, false, Duration.ofSeconds(2)));
    // A cancel after the timeout changes nothing: the run ends FAILED for its timeout.
    run.when(new Trigger.Cancel("late", "test"));
    assertThat(run.decided).isEmpty();
    run.when(new Trigger.AttemptExited("b", 1, 143, 15, 0, false, Duration.ofSeconds(2)));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_FAILED);
    assertThat(run.decided.get(1).getRunFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(RunView.of(run.state).getFailureReason())
        .isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
  }

  @Test
  void aLostAttemptOfATimedOutRunIsCancelled() {
    run.submitted(spec);
    run.startReady(10);
    run.advance(Duration.ofSeconds(3)).when(new Trigger.RunTimeoutDue());
    run.when(new Trigger.AttemptLost("a", 1, "lost", 0));
    run.when(new Trigger.AttemptLost("b", 1, "lost", 0));
    assertThat(run.decidedTypes()).containsExactly(STEP_CANCELLED, RUN_FAILED);
  }
}
