package dev.cairn.server.process;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What is checked before anything starts, so that a typo in a step is a spawn error with a clear
 * message rather than a step that fails with exit code 127: the output file's directory can be
 * made, and (for the wrappers, which cannot say why an exec failed) the working directory exists
 * and the program is found.
 */
final class LaunchCheck {
  // glibc's execvp searches this when the environment has no PATH.
  private static final String DEFAULT_PATH = "/bin:/usr/bin";

  private LaunchCheck() {}

  /**
   * Creates the output file's directory when it is missing: one stat when it exists, as it does for
   * every attempt of a run but the first.
   */
  static void prepareOutput(LaunchRequest request) throws SpawnException {
    Path parent = request.outputFile().toAbsolutePath().getParent();
    if (parent == null || Files.isDirectory(parent)) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new SpawnException(
          "cannot create the directory of output file " + request.outputFile() + ": " + reason(e));
    }
  }

  /**
   * Checks the working directory and finds the program, for a launcher that cannot report why an
   * exec failed.
   *
   * @return {@code argv[0]} looked up in the step's own {@code PATH}, as execvp would, relative to
   *     the working directory when it is relative
   */
  static Path resolveProgram(LaunchRequest request) throws SpawnException {
    Path workingDir = request.workingDir();
    if (!Files.isDirectory(workingDir)) {
      throw new SpawnException(missingWorkingDirectory(request));
    }
    String program = request.argv().get(0);
    return resolve(program, request)
        .orElseThrow(() -> new SpawnException(programNotFound(request)));
  }

  static String missingWorkingDirectory(LaunchRequest request) {
    return "working directory " + request.workingDir() + " does not exist";
  }

  static String programNotFound(LaunchRequest request) {
    return "program " + request.argv().get(0) + " is not found or not executable";
  }

  private static Optional<Path> resolve(String program, LaunchRequest request) {
    Path workingDir = request.workingDir().toAbsolutePath();
    if (program.contains("/")) {
      Path file = workingDir.resolve(program);
      return isExecutableFile(file) ? Optional.of(file) : Optional.empty();
    }
    String path = request.environment().getOrDefault("PATH", DEFAULT_PATH);
    for (String directory : path.split(":", -1)) {
      Path base = directory.isEmpty() ? workingDir : workingDir.resolve(directory);
      Path file = base.resolve(program);
      if (isExecutableFile(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  static boolean isExecutableFile(Path file) {
    return Files.isRegularFile(file) && Files.isExecutable(file);
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
}
