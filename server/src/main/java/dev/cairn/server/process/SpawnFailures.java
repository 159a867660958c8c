package dev.cairn.server.process;

import java.util.Map;

/** Messages for the starts that {@code cairn-spawn} reports failed: which stage, and errno. */
final class SpawnFailures {
  // The stages of cairn-spawn.c; SpawnProtocolTest keeps them in step with the C source.
  static final int STAGE_FORK = 2;
  static final int STAGE_RLIMIT = 5;
  static final int STAGE_OUTPUT = 7;
  static final int STAGE_CHDIR = 8;
  static final int STAGE_EXEC = 9;
  static final int STAGE_REQUEST = 10;
  static final int STAGE_SUBREAPER = 11;
  static final int STAGE_USER = 12;

  // The errno values a start can meet on Linux, worded as strerror words them.
  private static final Map<Integer, String> ERRORS =
      Map.ofEntries(
          Map.entry(1, "operation not permitted"),
          Map.entry(2, "no such file or directory"),
          Map.entry(7, "argument list too long"),
          Map.entry(8, "exec format error"),
          Map.entry(11, "resource temporarily unavailable (process limit reached)"),
          Map.entry(12, "out of memory"),
          Map.entry(13, "permission denied"),
          Map.entry(20, "not a directory"),
          Map.entry(21, "is a directory"),
          Map.entry(22, "invalid argument"),
          Map.entry(23, "too many open files in system"),
          Map.entry(24, "too many open files"),
          Map.entry(26, "text file busy"),
          Map.entry(28, "no space left on device"),
          Map.entry(30, "read-only file system"),
          Map.entry(36, "file name too long"),
          Map.entry(40, "too many levels of symbolic links"),
          Map.entry(122, "disk quota exceeded"));

  private SpawnFailures() {}

  private static final int ENOENT = 2;
  private static final int EACCES = 13;
  private static final int ENOTDIR = 20;

  /** Describes a failed start; {@code user} names the user steps run as, for a failed switch. */
  static SpawnException describe(LaunchRequest request, int stage, int errno, String user) {
    String error = ERRORS.getOrDefault(errno, "errno " + errno);
    String program = request.argv().get(0);
    boolean missing = errno == ENOENT || errno == ENOTDIR;
    if (stage == STAGE_EXEC && (missing || errno == EACCES)) {
      return new SpawnException(LaunchCheck.programNotFound(request));
    }
    if (stage == STAGE_CHDIR && missing) {
      return new SpawnException(LaunchCheck.missingWorkingDirectory(request));
    }
    return new SpawnException(
        switch (stage) {
          case STAGE_EXEC -> "cannot execute " + program + ": " + error;
          case STAGE_CHDIR ->
              "cannot enter working directory " + request.workingDir() + ": " + error;
          case STAGE_OUTPUT -> "cannot open output file " + request.outputFile() + ": " + error;
          case STAGE_FORK -> "cannot start " + program + ": fork failed: " + error;
          case STAGE_RLIMIT -> "cannot set the output limit of " + program + ": " + error;
          case STAGE_USER ->
              "cannot start " + program + ": could not switch to user " + user + ": " + error;
          case STAGE_REQUEST -> "the process launcher rejected the request for " + program;
          case STAGE_SUBREAPER ->
              "cannot start "
                  + program
                  + ": cannot become the subreaper of its processes: "
                  + error;
          default -> "cannot start " + program + ": " + error + " (stage " + stage + ")";
        });
  }
}
