package dev.cairn.it;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Third-party tools the tests run against the server: grpcurl and grpc-health-probe, which bin/test
 * installs into {@code .tools/bin}, and Prometheus from the distribution.
 */
final class Tools {
  private Tools() {}

  /** The result of running a tool to its end. */
  record Result(int exitCode, String output) {}

  /**
   * The directory with grpcurl and grpc-health-probe ({@code -Dcairn.tools.dir}, else the
   * checkout's {@code .tools/bin}); the test is skipped, saying why, when they are not there.
   */
  static Path directory() {
    Path dir =
        Path.of(System.getProperty("cairn.tools.dir", "../.tools/bin"))
            .toAbsolutePath()
            .normalize();
    assumeThat(Files.isExecutable(dir.resolve("grpcurl")))
        .as("grpcurl and grpc-health-probe in %s (bin/test installs them)", dir)
        .isTrue();
    return dir;
  }

  static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("still running after 60 s: " + List.of(command));
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
