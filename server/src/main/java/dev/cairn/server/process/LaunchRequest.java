package dev.cairn.server.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start for one attempt.
 *
 * @param marker the value of {@value #MARKER_VARIABLE} in the attempt's environment; it names the
 *     store and the attempt, and is how processes that left the process group are found again
 * @param argv the exact program and arguments (the engine passes {@code ["/bin/sh", "-c", cmd]} for
 *     shell steps); a program without a slash is looked up in the {@code PATH} of {@code
 *     environment}, or in {@code /bin:/usr/bin} when it has none
 * @param environment the complete environment of the step, apart from the marker; nothing of the
 *     server's own environment is inherited
 * @param workingDir the directory the step starts in; it must exist
 * @param outputFile the file that receives both stdout and stderr; its parent directories are
 *     created, and an existing file is truncated when the step starts. The native helper creates a
 *     missing file at the first byte of output, so a silent step may leave none
 * @param outputLimitBytes the largest size the output and any file written by the step may reach
 *     ({@code RLIMIT_FSIZE}); a step that writes past it is killed: by the native helper with
 *     SIGKILL to its group for its output, by {@code SIGXFSZ} for a file
 */
public record LaunchRequest(
    String marker,
    List<String> argv,
    Map<String, String> environment,
    Path workingDir,
    Path outputFile,
    long outputLimitBytes) {

  /** The environment variable that carries the attempt's marker. */
  public static final String MARKER_VARIABLE = "CAIRN_MARKER";

  /** Validates the request, so that a bad one fails here rather than inside the spawned wrapper. */
  public LaunchRequest {
    Objects.requireNonNull(marker, "marker");
    Objects.requireNonNull(workingDir, "workingDir");
    Objects.requireNonNull(outputFile, "outputFile");
    if (marker.isBlank() || marker.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("marker must be non-blank and free of NUL characters");
    }
    argv = List.copyOf(argv);
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    if (argv.stream().anyMatch(argument -> argument.indexOf('\0') >= 0)) {
      throw new IllegalArgumentException("argv must not contain NUL characters");
    }
    environment = Map.copyOf(environment);
    for (Map.Entry<String, String> entry : environment.entrySet()) {
      String name = entry.getKey();
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("invalid environment variable name: '" + name + "'");
      }
      if (entry.getValue().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("environment variable " + name + " contains NUL");
      }
    }
    if (environment.containsKey(MARKER_VARIABLE)) {
      throw new IllegalArgumentException(
          MARKER_VARIABLE + " is set by the supervisor and must not be in the environment");
    }
    if (outputLimitBytes <= 0) {
      throw new IllegalArgumentException("outputLimitBytes must be positive");
    }
  }
}
