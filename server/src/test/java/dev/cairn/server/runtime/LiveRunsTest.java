package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.engine.Decider;
import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live runs and the schedulable set: order, leaving, coming back, retiring. */
class LiveRunsTest {
  private final LiveRuns live = new LiveRuns();

  private static RunState submitted(String runId) {
    return Decider.decide(
            runId,
            null,
            new Trigger.Submit(ShellSpecs.spec(ShellSpecs.step("a")), "", "t"),
            Instant.EPOCH)
        .state();
  }

  private List<String> schedulable() {
    List<String> ids = new ArrayList<>();
    live.schedulable().forEachRemaining(ids::add);
    return ids;
  }

  @Test
  void runsAreSchedulableOldestFirstAndKeepTheirPlaceWhenTheyComeBack() {
    for (String id : List.of("r1", "r2", "r3")) {
      live.put(id, submitted(id));
    }
    assertThat(schedulable()).containsExactly("r1", "r2", "r3");

    Iterator<String> pass = live.schedulable();
    while (pass.hasNext()) {
      pass.next();
      pass.remove();
    }
    assertThat(schedulable()).isEmpty();

    live.markSchedulable("r3");
    live.markSchedulable("r1");
    assertThat(schedulable()).containsExactly("r1", "r3");
    assertThat(live.isSchedulable("r2")).isFalse();
    live.markAllSchedulable();
    assertThat(schedulable()).containsExactly("r1", "r2", "r3");
  }

  @Test
  void aRetiredRunLeavesBothSetsAndCannotBeMarkedAgain() {
    live.put("r1", submitted("r1"));
    live.retire("r1");
    live.markSchedulable("r1");

    assertThat(live.contains("r1")).isFalse();
    assertThat(schedulable()).isEmpty();
    live.publishCount();
    assertThat(live.publishedCount()).isZero();
  }
}
