package dev.cairn.bench;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Path;
import java.util.List;

/**
 * An experiment, not a launcher: what one step would cost if the JVM called glibc's posix_spawn
 * itself, with POSIX_SPAWN_SETSID (so the step is in its own session when the call returns and no
 * {@code setsid} wrapper or session wait is needed) and a close of every inherited descriptor, then
 * waited for it with waitpid. The step still goes through {@code setpriv --pdeathsig KILL} and
 * {@code prlimit --fsize}. Needs glibc 2.34 or later (posix_spawn_file_actions_addclosefrom_np).
 */
final class PosixSpawnExperiment {
  private static final int POSIX_SPAWN_SETSID = 0x80;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY_CREAT_TRUNC = 01 | 0100 | 01000;

  /** The glibc calls the experiment makes. */
  interface Libc extends Library {
    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn(
        IntByReference pid,
        String path,
        Pointer actions,
        Pointer attr,
        StringArray argv,
        StringArray env);

    int waitpid(int pid, IntByReference status, int options);
  }

  private static final Libc LIBC = Native.load("c", Libc.class);

  private PosixSpawnExperiment() {}

  /** Spawns the argv in its own session and waits for it; returns the raw wait status. */
  static int spawnAndWait(List<String> argv, List<String> env, Path workDir, Path output) {
    Memory attr = new Memory(1024);
    Memory actions = new Memory(1024);
    check(LIBC.posix_spawnattr_init(attr), "posix_spawnattr_init");
    check(LIBC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    try {
      check(LIBC.posix_spawnattr_setflags(attr, (short) POSIX_SPAWN_SETSID), "setflags");
      check(LIBC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0), "stdin");
      check(
          LIBC.posix_spawn_file_actions_addopen(
              actions, 1, output.toString(), O_WRONLY_CREAT_TRUNC, 0644),
          "stdout");
      check(LIBC.posix_spawn_file_actions_adddup2(actions, 1, 2), "stderr");
      check(LIBC.posix_spawn_file_actions_addchdir_np(actions, workDir.toString()), "chdir");
      check(LIBC.posix_spawn_file_actions_addclosefrom_np(actions, 3), "closefrom");
      IntByReference pid = new IntByReference();
      check(
          LIBC.posix_spawn(
              pid,
              argv.get(0),
              actions,
              attr,
              new StringArray(argv.toArray(String[]::new)),
              new StringArray(env.toArray(String[]::new))),
          "posix_spawn");
      IntByReference status = new IntByReference();
      if (LIBC.waitpid(pid.getValue(), status, 0) != pid.getValue()) {
        throw new IllegalStateException("waitpid failed");
      }
      return status.getValue();
    } finally {
      LIBC.posix_spawn_file_actions_destroy(actions);
      LIBC.posix_spawnattr_destroy(attr);
    }
  }

  private static void check(int result, String call) {
    if (result != 0) {
      throw new IllegalStateException(call + " failed with error " + result);
    }
  }
}
