package dev.cairn.server.engine;

import static dev.cairn.server.engine.RunFixture.RUN;
import static dev.cairn.server.engine.RunFixture.spec;
import static dev.cairn.server.engine.RunFixture.step;
import static dev.cairn.v1.Event.PayloadCase.STEP_FAILED;
import static dev.cairn.v1.Event.PayloadCase.STEP_RETRY_SCHEDULED;
import static dev.cairn.v1.Event.PayloadCase.STEP_STARTED;
import static dev.cairn.v1.Event.PayloadCase.STEP_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two decisions that used to live in the shell: what an exit during a shutdown means, and what
 * becomes of a start, which the decision answers with an effect the shell only performs.
 */
class DeciderEffectsTest {
  private final RunFixture run = new RunFixture();
  private final Trigger.AttemptStarted startOfA =
      new Trigger.AttemptStarted("a", 1, 4242, 4242, 7, "m", "/o");

  private Decision decide(Trigger trigger, Set<String> launching, boolean shuttingDown) {
    return Decider.decide(RUN, run.state, trigger, run.now, launching, shuttingDown);
  }

  @Test
  void aWantedStartIsRecordedWithNoEffect() {
    run.submitted(spec(step("a")));
    Decision decision = decide(startOfA, Set.of("a"), false);
    assertThat(decision.events()).extracting(Event::getPayloadCase).containsExactly(STEP_STARTED);
    assertThat(decision.effects()).isEmpty();
  }

  @Test
  void aStartNoStepWantsIsKilled() {
    run.submitted(spec(step("a")));
    run.started("a", 1);
    Decision again = decide(startOfA, Set.of(), false);
    assertThat(again.events()).isEmpty();
    assertThat(again.effects()).containsExactly(new Effect.KillUnwantedStart("a", 1));
  }

  @Test
  void aStartOfARunThatIsNotLiveIsKilled() {
    Decision decision = Decider.decide(RUN, null, startOfA, run.now, Set.of(), false);
    assertThat(decision.events()).isEmpty();
    assertThat(decision.effects()).containsExactly(new Effect.KillUnwantedStart("a", 1));
  }

  @Test
  void aStartACancelOvertookIsRecordedAndStoppedAtOnce() {
    run.submitted(spec(step("a")));
    run.whileLaunching(Set.of("a"), new Trigger.Cancel("enough", "test"));
    Decision decision = decide(startOfA, Set.of("a"), false);
    assertThat(decision.events()).extracting(Event::getPayloadCase).containsExactly(STEP_STARTED);
    assertThat(decision.effects()).containsExactly(new Effect.StopStartedAttempt("a", 1));
  }

  @Test
  void aStartDuringAShutdownIsRecordedAndStoppedAtOnce() {
    run.submitted(spec(step("a")));
    Decision decision = decide(startOfA, Set.of("a"), true);
    assertThat(decision.events()).extracting(Event::getPayloadCase).containsExactly(STEP_STARTED);
    assertThat(decision.effects()).containsExactly(new Effect.StopStartedAttempt("a", 1));
  }

  @Test
  void anUncleanExitDuringAShutdownIsAnInterruptionRetriedWithoutCounting() {
    run.submitted(spec(step("a")));
    run.started("a", 1);
    Decision decision =
        decide(
            new Trigger.AttemptExited("a", 1, 0, 15, 0, false, Duration.ofSeconds(1)),
            Set.of(),
            true);
    assertThat(decision.events())
        .extracting(Event::getPayloadCase)
        .containsExactly(STEP_FAILED, STEP_RETRY_SCHEDULED);
    assertThat(decision.events().get(0).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_INTERRUPTED);
  }

  @Test
  void aCleanExitDuringAShutdownIsStillASuccess() {
    run.submitted(spec(step("a")));
    run.started("a", 1);
    Decision decision =
        decide(
            new Trigger.AttemptExited("a", 1, 0, 0, 0, false, Duration.ofSeconds(1)),
            Set.of(),
            true);
    assertThat(decision.events()).extracting(Event::getPayloadCase).startsWith(STEP_SUCCEEDED);
  }

  @Test
  void anUncleanExitOutsideAShutdownIsAFailure() {
    run.submitted(spec(step("a")));
    run.started("a", 1);
    Decision decision =
        decide(
            new Trigger.AttemptExited("a", 1, 1, 0, 0, false, Duration.ofSeconds(1)),
            Set.of(),
            false);
    assertThat(decision.events().get(0).getStepFailed().getReason())
        .isEqualTo(FailureReason.FAILURE_REASON_EXIT_CODE);
  }
}
