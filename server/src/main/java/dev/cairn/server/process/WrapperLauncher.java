package dev.cairn.server.process;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts steps through the JDK and the util-linux wrappers ({@link LaunchCommand}): the fallback
 * when the native helper is not available.
 *
 * <p>It contains less than the native helper: there is no attempt shim, so a process that leaves
 * the step's session (setsid) and drops {@code CAIRN_MARKER} from its environment is neither in the
 * group that stops signal nor found by the marker sweep, and outlives its attempt; so does one
 * whose parent died after it left the group, which goes to init. What stays in the group or keeps
 * the marker is contained as with the helper.
 *
 * <p>Starts run on a few long-lived spawner threads (the parent-death signal is tied to the thread
 * that forked), so that they overlap: each waits for its step's new session, about a millisecond
 * per wrapper exec.
 */
final class WrapperLauncher implements ProcessLauncher {
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);
  private static final long SESSION_POLL_NANOS = 20_000;
  private static final int SPAWNERS = 4;

  private final ProcTable procTable;
  private final LaunchCommand launchCommand = new LaunchCommand();
  private final SpawnerThread[] spawners = new SpawnerThread[SPAWNERS];
  private final AtomicInteger nextSpawner = new AtomicInteger();

  WrapperLauncher(ProcTable procTable) {
    this.procTable = procTable;
    for (int i = 0; i < SPAWNERS; i++) {
      spawners[i] = new SpawnerThread("cairn-process-spawner-" + i);
    }
  }

  @Override
  public String name() {
    return "setpriv/setsid wrappers";
  }

  @Override
  public void start(LaunchRequest request, Listener listener) {
    ProcessBuilder builder;
    try {
      LaunchCheck.prepareOutput(request);
      LaunchCheck.resolveProgram(request);
      builder = launchCommand.build(request);
    } catch (SpawnException e) {
      listener.failed(e);
      return;
    }
    SpawnerThread thread = spawners[Math.floorMod(nextSpawner.getAndIncrement(), SPAWNERS)];
    thread.execute(
        () -> {
          Process process;
          try {
            process = builder.start();
          } catch (IOException e) {
            listener.failed(
                new SpawnException(
                    "cannot start " + request.argv().get(0) + ": " + e.getMessage()));
            return;
          }
          long startTicks;
          try {
            startTicks = awaitOwnSession(process);
          } catch (SpawnException e) {
            listener.failed(e);
            return;
          }
          listener.started(
              process.pid(),
              startTicks,
              process.onExit().thenApply(ended -> LeaderExit.fromJdkExitValue(ended.exitValue())));
        },
        () -> listener.failed(new SpawnException("the process supervisor closed")));
  }

  @Override
  public void close() {
    for (SpawnerThread thread : spawners) {
      thread.close();
    }
  }

  // The pgid of a step is recorded before anything else may act on it, so the wrappers must have
  // reached setsid before the start is reported: a SIGTERM to a group that does not exist yet would
  // be lost. The wrappers exec in well under a millisecond, so this is a short spin.
  private long awaitOwnSession(Process process) throws SpawnException {
    long pid = process.pid();
    long deadline = System.nanoTime() + SESSION_TIMEOUT.toNanos();
    while (true) {
      Optional<ProcStat> stat = procTable.stat(pid);
      if (stat.isEmpty()) {
        // It has already ended and been reaped; its exit callback reports how.
        return 0;
      }
      if (stat.get().session() == pid || stat.get().isDead() || !process.isAlive()) {
        return stat.get().startTicks();
      }
      if (System.nanoTime() - deadline > 0) {
        process.destroyForcibly();
        throw new SpawnException(
            "the launch wrappers did not start a new session within "
                + SESSION_TIMEOUT.toSeconds()
                + " s");
      }
      LockSupport.parkNanos(SESSION_POLL_NANOS);
    }
  }
}
