package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.engine.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attempt bookkeeping: slots, markers, one stop per attempt, the kill of unrecorded starts. */
class AttemptTableTest {
  private final ShellHarness shell = new ShellHarness();
  private final List<Trigger> reports = new ArrayList<>();
  private int forgotten;
  private final AttemptTable table =
      new AttemptTable(shell.settings, shell.runner, () -> forgotten++);
  private final AttemptEvents events =
      new AttemptEvents() {
        @Override
        public void started(String runId, Trigger.AttemptStarted started) {
          reports.add(started);
        }

        @Override
        public void spawnFailed(String runId, Trigger.AttemptSpawnFailed failed) {
          reports.add(failed);
        }

        @Override
        public void exited(String runId, Trigger.AttemptExited exited) {
          reports.add(exited);
        }
      };
  private final RunState run =
      Decider.decide(
              "r1",
              null,
              new Trigger.Submit(
                  ShellSpecs.spec(ShellSpecs.step("a"), ShellSpecs.step("b")), "", "t"),
              Instant.EPOCH)
          .state();

  private Trigger.AttemptStarted startOf(String stepId) {
    String marker = shell.settings.marker("r1", stepId, 1);
    return new Trigger.AttemptStarted(stepId, 1, 1L << 40, 1L << 40, 1, marker, "");
  }

  @Test
  void aLaunchHoldsASlotAndItsMarkerUntilItsAttemptIsGone() {
    table.launch(run, new Scheduler.Start("a", 1), events);
    String marker = shell.settings.marker("r1", "a", 1);
    assertThat(table.running()).isEqualTo(1);
    assertThat(table.launchingSteps("r1")).containsExactly("a");
    assertThat(table.liveMarkers()).containsExactly(marker);

    assertThat(table.launched("r1", "a")).isTrue();
    table.started("r1", startOf("a"));
    assertThat(table.idle()).isFalse();
    table.forget(new AttemptKey("r1", "a", 1));

    assertThat(table.running()).isZero();
    assertThat(table.liveMarkers()).isEmpty();
    assertThat(table.idle()).isTrue();
    assertThat(table.started()).isEqualTo(1);
    assertThat(forgotten).isEqualTo(1);
  }

  @Test
  void aSpawnErrorFreesTheSlotOnlyOfALaunchItWaitedFor() {
    table.launch(run, new Scheduler.Start("a", 1), events);
    Trigger.AttemptSpawnFailed failed = new Trigger.AttemptSpawnFailed("a", 1, "no");
    table.spawnFailed("r1", failed);
    table.spawnFailed("r1", failed);
    assertThat(table.running()).isZero();
    assertThat(table.idle()).isTrue();
  }

  @Test
  void aRefusedLaunchIsReportedAsItsSpawnError() {
    shell.runner.refuseLaunches(new IllegalStateException("the process supervisor is closed"));
    table.launch(run, new Scheduler.Start("a", 1), events);
    assertThat(reports)
        .containsExactly(
            new Trigger.AttemptSpawnFailed(
                "a", 1, "cannot launch: the process supervisor is closed"));
  }

  @Test
  void anAttemptIsStoppedOnceAndOnlyOnceItHasAProcess() {
    AttemptKey a = new AttemptKey("r1", "a", 1);
    table.launch(run, new Scheduler.Start("a", 1), events);
    table.stop(a);
    assertThat(shell.runner.stops).isEmpty();

    table.launched("r1", "a");
    table.started("r1", startOf("a"));
    table.stop(a);
    table.stopAll();
    assertThat(shell.runner.stops).containsExactly(shell.settings.marker("r1", "a", 1));
  }

  @Test
  void afterAFailedCommitEveryStartNotVouchedForIsKilledAndForgotten() {
    for (String step : List.of("a", "b")) {
      table.launch(run, new Scheduler.Start(step, 1), events);
      table.launched("r1", step);
      table.started("r1", startOf(step));
    }

    table.killUnrecorded(key -> key.stepId().equals("a"));

    assertThat(shell.runner.kills).containsExactly(shell.settings.marker("r1", "b", 1));
    assertThat(table.running()).isEqualTo(1);
    assertThat(table.ofRun("r1")).containsExactly(new AttemptKey("r1", "a", 1));
    assertThat(table.liveMarkers()).containsExactly(shell.settings.marker("r1", "a", 1));
  }
}
