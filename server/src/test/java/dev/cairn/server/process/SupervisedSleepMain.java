package dev.cairn.server.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run as a separate JVM by {@link ProcessParentDeathTest}: launches {@code sleep 1000} through a
 * supervisor, prints its pid, and waits to be killed.
 */
public final class SupervisedSleepMain {
  private SupervisedSleepMain() {}

  /** Arguments: the marker and a directory for the output file. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    ProcessSupervisor supervisor =
        new ProcessSupervisor(Duration.ofSeconds(1), LauncherKind.HELPER, dir.resolve("bin"));
    LaunchRequest request =
        new LaunchRequest(
            args[0],
            List.of("sleep", "1000"),
            Map.of("PATH", "/usr/bin:/bin"),
            dir,
            dir.resolve("sleep.out"),
            1 << 20);
    Launched launched = supervisor.launch(request, exited -> {});
    System.out.println(launched.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
