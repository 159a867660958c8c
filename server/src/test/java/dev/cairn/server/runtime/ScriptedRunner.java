package dev.cairn.server.runtime;

import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.process.Launched;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attempts with no process: the runner records each launch, stop and kill, and the test decides
 * when an attempt starts, fails to spawn or exits, by firing its report through the engine's {@link
 * AttemptEvents}. Pids are far above any pid the kernel hands out, so recovery's check of /proc
 * never takes one for a live process.
 */
final class ScriptedRunner implements AttemptRunner {
  private static final long FIRST_PID = 1L << 40;

  private final EngineSettings settings;
  final List<Launch> launches = new ArrayList<>();
  final List<String> stops = new ArrayList<>();
  final List<String> kills = new ArrayList<>();
  private RuntimeException refusal;

  ScriptedRunner(EngineSettings settings) {
    this.settings = settings;
  }

  /** One launch the engine asked for, and the reports the test may fire for it. */
  final class Launch {
    final String runId;
    final String stepId;
    final int attempt;
    final String marker;
    private final AttemptEvents events;
    private final long pid;

    private Launch(String runId, Scheduler.Start start, AttemptEvents events, long pid) {
      this.runId = runId;
      this.stepId = start.stepId();
      this.attempt = start.attempt();
      this.marker = settings.marker(runId, stepId, attempt);
      this.events = events;
      this.pid = pid;
    }

    void started() {
      events.started(
          runId,
          new Trigger.AttemptStarted(stepId, attempt, pid, pid, 1, marker, "/dev/null/" + marker));
    }

    void spawnFailed(String message) {
      events.spawnFailed(runId, new Trigger.AttemptSpawnFailed(stepId, attempt, message));
    }

    void exited(int exitCode, int signal) {
      events.exited(
          runId,
          new Trigger.AttemptExited(stepId, attempt, exitCode, signal, 0, false, Duration.ZERO));
    }
  }

  /** Makes every later launch throw, as a launcher that refuses a request does. */
  void refuseLaunches(RuntimeException error) {
    refusal = error;
  }

  /** The last launch of the step in the run. */
  Launch launch(String runId, String stepId) {
    for (int i = launches.size() - 1; i >= 0; i--) {
      Launch launch = launches.get(i);
      if (launch.runId.equals(runId) && launch.stepId.equals(stepId)) {
        return launch;
      }
    }
    throw new AssertionError("no launch of " + runId + "/" + stepId + " in " + launches);
  }

  @Override
  public void launch(RunState state, Scheduler.Start start, AttemptEvents events) {
    if (refusal != null) {
      throw refusal;
    }
    launches.add(new Launch(state.runId(), start, events, FIRST_PID + launches.size()));
  }

  @Override
  public void stop(Launched process, String marker) {
    stops.add(marker);
  }

  @Override
  public void kill(Launched process, String marker) {
    kills.add(marker);
  }

  @Override
  public int sweep(String markerPrefix) {
    return 0;
  }
}
