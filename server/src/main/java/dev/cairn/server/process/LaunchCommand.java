package dev.cairn.server.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link LaunchRequest} into a {@link ProcessBuilder} for the wrapper chain {@code setpriv
 * --pdeathsig KILL -- setsid -- /bin/sh -c 'ulimit -f N; ...'}, after checking what can be checked
 * before anything starts.
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
  // glibc's execvp searches this when the environment has no PATH.
  private static final String DEFAULT_PATH = "/bin:/usr/bin";
  private static final File DEV_NULL = new File("/dev/null");

  private final Optional<String> setpriv = findSystemProgram("setpriv");
  private final Optional<String> setsid = findSystemProgram("setsid");
  private final Optional<String> prlimit = findSystemProgram("prlimit");
  private static final String SHELL = "/bin/sh";
  private static final long BLOCK = 512;

  /** Checks the request and builds the process; nothing is started yet. */
  ProcessBuilder build(LaunchRequest request) throws SpawnException {
    List<String> command = new ArrayList<>();
    command.add(wrapper(setpriv, "setpriv"));
    command.addAll(List.of("--pdeathsig", "KILL", "--"));
    command.add(wrapper(setsid, "setsid"));
    command.add("--");
    command.addAll(limited(request.argv(), request.outputLimitBytes(), prlimit));

    Path workingDir = request.workingDir();
    if (!Files.isDirectory(workingDir)) {
      throw new SpawnException("working directory " + workingDir + " does not exist");
    }
    String program = request.argv().get(0);
    if (!isLaunchable(program, request)) {
      throw new SpawnException("program " + program + " is not found or not executable");
    }
    Path outputFile = request.outputFile();
    Path parent = outputFile.toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new SpawnException(
          "cannot create the directory of output file " + outputFile + ": " + reason(e));
    }

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

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " exists and is not a directory";
    }
    if (e instanceof FileSystemException failure && failure.getReason() != null) {
      return failure.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  private static String wrapper(Optional<String> path, String name) throws SpawnException {
    return path.orElseThrow(
        () ->
            new SpawnException(
                name + " (util-linux) is not installed in any of " + SYSTEM_DIRECTORIES));
  }

  // Mirrors how prlimit's execvp will find the program, so that a typo is a spawn error with a
  // clear message rather than a step that fails with exit code 127.
  private static boolean isLaunchable(String program, LaunchRequest request) {
    if (program.contains("/")) {
      return isExecutableFile(request.workingDir().resolve(program));
    }
    String path = request.environment().getOrDefault("PATH", DEFAULT_PATH);
    for (String directory : path.split(":", -1)) {
      Path base =
          directory.isEmpty() ? request.workingDir() : request.workingDir().resolve(directory);
      if (isExecutableFile(base.resolve(program))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isExecutableFile(Path file) {
    return Files.isRegularFile(file) && Files.isExecutable(file);
  }

  private static Optional<String> findSystemProgram(String name) {
    return SYSTEM_DIRECTORIES.stream()
        .map(directory -> Path.of(directory, name))
        .filter(LaunchCommand::isExecutableFile)
        .map(Path::toString)
        .findFirst();
  }
}
