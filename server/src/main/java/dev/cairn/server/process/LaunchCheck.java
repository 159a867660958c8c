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
 * message rather than a step that fails with exit code 127: the working directory exists, the
 * program is found, and the output file's directory can be made.
 */
final class LaunchCheck {
  // glibc's execvp searches this when the environment has no PATH.
  private static final String DEFAULT_PATH = "/bin:/usr/bin";

  private LaunchCheck() {}

  /**
   * Checks the request and creates the output file's directory.
   *
   * @return the program to execute: {@code argv[0]} looked up in the step's own {@code PATH}, as
   *     execvp would, relative to the working directory when it is relative
   */
  static Path check(LaunchRequest request) throws SpawnException {
    Path workingDir = request.workingDir();
    if (!Files.isDirectory(workingDir)) {
      throw new SpawnException("working directory " + workingDir + " does not exist");
    }
    String program = request.argv().get(0);
    Path resolved =
        resolve(program, request)
            .orElseThrow(
                () -> new SpawnException("program " + program + " is not found or not executable"));
    Path parent = request.outputFile().toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new SpawnException(
          "cannot create the directory of output file " + request.outputFile() + ": " + reason(e));
    }
    return resolved;
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
