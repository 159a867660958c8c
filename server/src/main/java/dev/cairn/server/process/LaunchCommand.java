package dev.cairn.server.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link LaunchRequest} into a {@link ProcessBuilder} for the wrapper chain {@code setpriv
 * --pdeathsig KILL -- setsid -- /bin/sh -c 'ulimit -f N; ...'}, for {@link WrapperLauncher}.
 *
 * <p>The output cap is the shell's own {@code ulimit -f} (POSIX: 512-byte blocks), set in the very
 * shell that runs a {@code run} step, so a shell step costs three execs rather than four with
 * {@code prlimit}; an argv step gets a shell that sets the limit and execs the program. Every exec
 * is measurable per step (bench/spawn).
 *
 * <p>Each wrapper execs the next, so the pid the JVM sees is the step's own pid. {@code setsid}
 * does not fork because a child of the JVM is never a process group leader, so that pid also names
 * the step's session and process group. The wrappers are called by absolute path because the step's
 * environment (and so its {@code PATH}) is the request's, not the server's.
 */
final class LaunchCommand {
  private static final List<String> SYSTEM_DIRECTORIES =
      List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");
  private static final File DEV_NULL = new File("/dev/null");

  private final Optional<String> setpriv = findSystemProgram("setpriv");
  private final Optional<String> setsid = findSystemProgram("setsid");
  private final Optional<String> prlimit = findSystemProgram("prlimit");
  private static final String SHELL = "/bin/sh";
  private static final long BLOCK = 512;

  /** Builds the process for a request that passed {@link LaunchCheck}; nothing starts yet. */
  ProcessBuilder build(LaunchRequest request) throws SpawnException {
    List<String> command = new ArrayList<>();
    command.add(wrapper(setpriv, "setpriv"));
    command.addAll(List.of("--pdeathsig", "KILL", "--"));
    command.add(wrapper(setsid, "setsid"));
    command.add("--");
    command.addAll(limited(request.argv(), request.outputLimitBytes(), prlimit));
    Path workingDir = request.workingDir();
    Path outputFile = request.outputFile();

    ProcessBuilder builder = new ProcessBuilder(command);
    builder.directory(workingDir.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    // One file for both streams, so their order is kept and nothing waits on a pipe.
    builder.redirectOutput(ProcessBuilder.Redirect.to(outputFile.toFile()));
    builder.redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(request.environment());
    builder.environment().put(LaunchRequest.MARKER_VARIABLE, request.marker());
    return builder;
  }

  /**
   * The command with its file-size cap: set by the step's own shell for a shell step, by {@code
   * prlimit} for an argv step (an extra shell there would add itself to the environment).
   */
  static List<String> limited(List<String> argv, long limitBytes, Optional<String> prlimit)
      throws SpawnException {
    boolean shellStep = argv.size() == 3 && argv.get(0).equals(SHELL) && argv.get(1).equals("-c");
    if (shellStep) {
      // The limit is its own line, so the step's script (and any here-document in it) is intact.
      String limit = "ulimit -f " + Math.max(1, limitBytes / BLOCK) + " || exit 125";
      return List.of(SHELL, "-c", limit + "\n" + argv.get(2));
    }
    List<String> command = new ArrayList<>();
    command.add(wrapper(prlimit, "prlimit"));
    command.add("--fsize=" + limitBytes);
    command.add("--");
    command.addAll(argv);
    return command;
  }

  private static String wrapper(Optional<String> path, String name) throws SpawnException {
    return path.orElseThrow(
        () ->
            new SpawnException(
                name + " (util-linux) is not installed in any of " + SYSTEM_DIRECTORIES));
  }

  private static Optional<String> findSystemProgram(String name) {
    return SYSTEM_DIRECTORIES.stream()
        .map(directory -> Path.of(directory, name))
        .filter(LaunchCheck::isExecutableFile)
        .map(Path::toString)
        .findFirst();
  }
}
