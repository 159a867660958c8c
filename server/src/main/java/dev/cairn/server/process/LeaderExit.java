package dev.cairn.server.process;

/**
 * How the leader of an attempt's process group ended.
 *
 * @param exitCode its exit status, or {@code 128 + signal} when a signal ended it (as a shell
 *     reports it)
 * @param signal the signal that ended it, 0 when it exited
 * @param attemptOver whether the launcher vouches that no process of the attempt is left (the
 *     native launcher reports the end only then); when false the supervisor looks for itself
 */
record LeaderExit(int exitCode, int signal, boolean attemptOver) {
  private static final int MAX_SIGNAL = 64;

  LeaderExit(int exitCode, int signal) {
    this(exitCode, signal, false);
  }

  /**
   * From a raw wait status, as {@code waitpid} returns it: exact, so {@code exit 137} is not taken
   * for SIGKILL.
   */
  static LeaderExit fromWaitStatus(int status) {
    int signal = status & 0x7f;
    if (signal == 0) {
      return new LeaderExit((status >> 8) & 0xff, 0);
    }
    return new LeaderExit(128 + signal, signal);
  }

  /** The end of a whole attempt, its leader's raw wait status, reported once nothing of it runs. */
  static LeaderExit ofEndedAttempt(int status) {
    LeaderExit leader = fromWaitStatus(status);
    return new LeaderExit(leader.exitCode(), leader.signal(), true);
  }

  /**
   * From the exit value the JDK reports, which folds a death by signal into {@code 128 + signal}:
   * values in that range are read as signals.
   */
  static LeaderExit fromJdkExitValue(int exitValue) {
    int signal = exitValue > 128 && exitValue <= 128 + MAX_SIGNAL ? exitValue - 128 : 0;
    return new LeaderExit(exitValue, signal);
  }
}
