package dev.cairn.server.runtime;

import static dev.cairn.server.runtime.ShellSpecs.spec;
import static dev.cairn.server.runtime.ShellSpecs.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live-run count (GetServerStats) as a watcher of a run's end sees it. */
class LiveCountTest {
  private final ShellHarness shell = new ShellHarness().started();

  @Test
  void whoeverHasSeenARunEndFindsItNoLongerCounted() {
    String run = shell.submit(spec(step("a")));
    ScriptedRunner.Launch a = shell.runner.launch(run, "a");
    shell.then(a::started);
    // Read when the watcher is woken for a batch: the moment its events become visible.
    List<Integer> countAtWake = new ArrayList<>();
    try (EventBroadcaster.Subscription watch =
        shell.broadcaster.subscribe(run, () -> countAtWake.add(shell.engine.liveRuns()))) {
      watch.resume();
      shell.then(() -> a.exited(0, 0));
      List<Event> seen = new ArrayList<>();
      for (Event event = watch.poll(); event != null; event = watch.poll()) {
        seen.add(event);
      }
      assertThat(seen).last().matches(Event::hasRunSucceeded);
    }
    assertThat(countAtWake).isNotEmpty().last().isEqualTo(0);
  }
}
