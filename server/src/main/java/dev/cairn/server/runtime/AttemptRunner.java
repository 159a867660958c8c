package dev.cairn.server.runtime;

import dev.cairn.server.engine.RunState;
import dev.cairn.server.engine.Scheduler;
import dev.cairn.server.process.Launched;

/**
 * What the engine shell asks of processes: {@link AttemptLauncher} over the process supervisor in
 * the server, a scripted runner in the shell's tests.
 */
interface AttemptRunner {
  /**
   * Starts the attempt without waiting; its start or spawn error, then its exit, come back through
   * {@code events}. Throws when the launch is refused outright (the engine records that as the
   * attempt's spawn error).
   */
  void launch(RunState state, Scheduler.Start start, AttemptEvents events);

  /** SIGTERM to the group, SIGKILL after the grace period; the exit is still reported. */
  void stop(Launched process, String marker);

  /** SIGKILL to the group and a sweep for its marker, before this returns. */
  void kill(Launched process, String marker);

  /** Kills every process whose marker starts with the prefix; returns how many. */
  int sweep(String markerPrefix);

  /**
   * Refuses new launches and stops every running attempt, waiting until their groups are gone, at
   * most {@code timeout} before it kills what is left: the node fences itself.
   *
   * @return whether everything was gone in time
   */
  default boolean suspendAndStopAll(java.time.Duration timeout) {
    return true;
  }

  /** Takes launches again after {@link #suspendAndStopAll}. */
  default void resume() {}
}
