package dev.cairn.server.runtime;

import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.engine.StepOutputs;
import dev.cairn.server.engine.Trigger;
import dev.cairn.server.process.LaunchRequest;
import dev.cairn.server.process.Launched;
import dev.cairn.server.process.ProcessSupervisor;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.Params;
import dev.cairn.workflow.spec.StepEnvironment;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Turns a scheduled start into a process: the command line, the environment (built explicitly, so
 * nothing of the server's own environment but the documented base reaches a step), the working
 * directory (the spec's, or the run's own under the work root), the output file and the marker.
 *
 * <p>A run's first attempt is prepared on a thread of its own, in the order the engine asked:
 * making the run's directories costs a dozen system calls, and on the engine thread they delayed
 * the next client's commit. The engine learns the outcome as it learns a spawn's, through {@link
 * AttemptEvents}. Later attempts of a run whose directories exist are launched at once on the
 * engine thread: there the hand-off to the other thread would be the larger cost, paid by every
 * step of a chain.
 */
final class AttemptLauncher implements AttemptRunner {
  private final EngineSettings settings;
  private final ProcessSupervisor supervisor;
  // One thread, so attempts are launched in the order they were scheduled. It ends when idle: the
  // processes are forked by the supervisor's own long-lived thread, never by this one.
  private final ThreadPoolExecutor preparer =
      new ThreadPoolExecutor(
          1,
          1,
          10,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          work -> {
            Thread thread = new Thread(work, "cairn-attempt-launcher");
            thread.setDaemon(true);
            return thread;
          });

  // Runs whose directories are made, most recent last; one forgotten is only prepared again.
  private final Set<String> prepared =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > PREPARED_RUNS;
                }
              }));
  private static final int PREPARED_RUNS = 4096;

  AttemptLauncher(EngineSettings settings, ProcessSupervisor supervisor) {
    this.settings = settings;
    this.supervisor = supervisor;
    preparer.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts the attempt without waiting. The supervisor's three callbacks become the three reports
   * of {@code events}, the only way a start, a spawn error or an exit reaches the engine.
   */
  @Override
  public void launch(RunState state, Scheduler.Start start, AttemptEvents events) {
    if (prepared.contains(state.runId())) {
      prepareAndLaunch(state, start, events);
      return;
    }
    preparer.execute(
        () -> {
          try {
            prepareAndLaunch(state, start, events);
          } catch (RuntimeException e) {
            AttemptTable.launchRefused(state.runId(), start, e, events);
          }
        });
  }

  private void prepareAndLaunch(RunState state, Scheduler.Start start, AttemptEvents events) {
    String runId = state.runId();
    WorkflowSpec spec = state.plan().spec();
    StepSpec step = state.step(start.stepId()).spec();
    String marker = settings.marker(state.runId(), start.stepId(), start.attempt());
    Path output = settings.outputFile(state.runId(), start.stepId(), start.attempt());
    Path workingDir;
    if (spec.getWorkingDir().isEmpty()) {
      try {
        workingDir = RunDirectory.prepare(settings.workRoot(), state.runId(), settings.runAs());
      } catch (IOException e) {
        events.spawnFailed(
            runId,
            new Trigger.AttemptSpawnFailed(
                start.stepId(),
                start.attempt(),
                "cannot make the run's working directory: " + describe(e)));
        return;
      }
    } else {
      workingDir = Path.of(spec.getWorkingDir());
    }
    Map<String, String> env = environment(state, step, start.attempt());
    Path outputsFile;
    try {
      outputsFile = StepFiles.prepare(settings, state, start.stepId(), start.attempt(), env);
      prepared.add(runId);
    } catch (IOException e) {
      events.spawnFailed(
          runId,
          new Trigger.AttemptSpawnFailed(
              start.stepId(),
              start.attempt(),
              "cannot prepare the step's outputs and inputs files: " + describe(e)));
      return;
    }
    LaunchRequest request =
        new LaunchRequest(
            marker, command(step), env, workingDir, output, settings.outputLimitBytes());
    supervisor.launchAsync(
        request,
        launched ->
            events.started(
                runId,
                new Trigger.AttemptStarted(
                    start.stepId(),
                    start.attempt(),
                    launched.pid(),
                    launched.pgid(),
                    launched.startTicks(),
                    marker,
                    output.toString(),
                    settings.nodeId(),
                    settings.bootId())),
        failure ->
            events.spawnFailed(
                runId,
                new Trigger.AttemptSpawnFailed(
                    start.stepId(), start.attempt(), failure.getMessage())),
        exited -> {
          // Read only after a clean exit: the outputs of a failed attempt are not recorded.
          StepOutputs.Parsed outputs =
              exited.exitCode() == 0 && exited.signal() == 0
                  ? StepFiles.readOutputs(outputsFile)
                  : new StepOutputs.Parsed(Map.of(), "");
          events.exited(
              runId,
              new Trigger.AttemptExited(
                  start.stepId(),
                  start.attempt(),
                  exited.exitCode(),
                  exited.signal(),
                  exited.outputBytes(),
                  exited.outputLimitExceeded(),
                  exited.duration(),
                  outputs.outputs(),
                  outputs.problem()));
        });
  }

  @Override
  public void stop(Launched process, String marker) {
    supervisor.stop(process, marker);
  }

  @Override
  public void kill(Launched process, String marker) {
    supervisor.kill(process, marker);
  }

  @Override
  public int sweep(String markerPrefix) {
    return supervisor.sweep(markerPrefix);
  }

  @Override
  public boolean suspendAndStopAll(java.time.Duration timeout) {
    return supervisor.suspendAndStopAll(timeout);
  }

  @Override
  public void resume() {
    supervisor.resume();
  }

  private static List<String> command(StepSpec step) {
    return switch (step.getCommandCase()) {
      case RUN -> List.of("/bin/sh", "-c", step.getRun());
      case ARGV -> List.copyOf(step.getArgv().getArgsList());
      case COMMAND_NOT_SET -> throw new IllegalStateException("validated spec without command");
    };
  }

  private Map<String, String> environment(RunState state, StepSpec step, int attempt) {
    Map<String, String> env = new HashMap<>(settings.baseEnvironment());
    env.putAll(state.plan().spec().getEnvMap());
    env.putAll(step.getEnvMap());
    for (Map.Entry<String, String> param : state.info().params().entrySet()) {
      env.put(Params.ENV_PREFIX + param.getKey(), param.getValue());
    }
    // Set last, so that nothing else can claim these names (the validator refuses them too).
    env.put(StepEnvironment.RUN_ID, state.runId());
    env.put(StepEnvironment.STEP_ID, step.getId());
    env.put(StepEnvironment.ATTEMPT, Integer.toString(attempt));
    return env;
  }

  private static String describe(IOException e) {
    if (e instanceof FileSystemException failure && failure.getReason() != null) {
      return failure.getFile() + ": " + failure.getReason();
    }
    if (e instanceof AccessDeniedException denied) {
      return denied.getFile() + ": permission denied";
    }
    if (e instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " exists and is not a directory";
    }
    return String.valueOf(e.getMessage());
  }
}
