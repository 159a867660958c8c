package dev.cairn.server.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** kill(2) through JNA, for signals to whole process groups that the JDK cannot send. */
final class PosixSignals {
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  static final int SIGXFSZ = 25;

  private static final int EPERM = 1;
  private static final int ESRCH = 3;

  private interface CLibrary extends Library {
    int kill(int pid, int signal) throws LastErrorException;
  }

  private static final CLibrary LIBC = Native.load("c", CLibrary.class);

  private PosixSignals() {}

  /**
   * Sends {@code signal} (0 only probes) to every process of the group; returns false when the
   * group no longer exists.
   */
  static boolean signalGroup(long pgid, int signal) {
    return send(-target(pgid), signal);
  }

  /** Sends {@code signal} to one process; returns false when it no longer exists. */
  static boolean signalProcess(long pid, int signal) {
    return send(target(pid), signal);
  }

  // kill(0) and kill(-1) address this JVM's own group and every process there is: a bad pid must
  // never reach them, and neither may this JVM's own pid.
  private static int target(long pid) {
    if (pid <= 1 || pid > Integer.MAX_VALUE || pid == ProcessHandle.current().pid()) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    return (int) pid;
  }

  private static boolean send(int target, int signal) {
    try {
      LIBC.kill(target, signal);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ESRCH) {
        return false;
      }
      if (e.getErrorCode() == EPERM) {
        // The target exists but belongs to someone else; it is not ours to signal or wait for.
        return true;
      }
      throw new IllegalStateException(
          "kill(" + target + ", " + signal + ") failed with errno " + e.getErrorCode(), e);
    }
  }
}
