package dev.cairn.server.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Reads /proc for the tests without going through {@link ProcTable}, so that the supervisor is
 * checked against an independent view, and awaits conditions with a deadline.
 */
final class TestProcesses {
  private static final Duration AWAIT_LIMIT = Duration.ofSeconds(10);

  private TestProcesses() {}

  /** Polls every 10 ms until the condition holds; fails after 10 s. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + AWAIT_LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + AWAIT_LIMIT.toSeconds() + " s: " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  /** Whether the pid is a live process (present and neither a zombie nor dead). */
  static boolean isRunning(long pid) {
    String[] fields = statFields(pid);
    return fields != null && !fields[0].equals("Z") && !fields[0].equals("X");
  }

  /** The fields of /proc/PID/stat from field 3 (state) on, or null when there is no such pid. */
  static String[] statFields(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The running pids one of whose arguments equals {@code argument}: how a test finds a process
   * that dropped its marker, by a unique argument such as {@code sleep 1000.<random>}.
   */
  static List<Long> runningWithArgument(String argument) {
    String entry = "\0" + argument + "\0";
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path directory : entries) {
        long pid = Long.parseLong(directory.getFileName().toString());
        try {
          String command =
              "\0"
                  + new String(
                      Files.readAllBytes(directory.resolve("cmdline")),
                      StandardCharsets.ISO_8859_1);
          if (command.contains(entry) && isRunning(pid)) {
            pids.add(pid);
          }
        } catch (IOException e) {
          // Gone or not readable: not a live process of ours.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  /** A sleep of about 1000 s whose argument no other process has: {@code 1000.<random digits>}. */
  static String uniqueSleepArgument() {
    return "1000."
        + (100_000_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(900_000_000));
  }

  /** The running pids whose environment holds CAIRN_MARKER with exactly this value. */
  static List<Long> runningWithMarker(String marker) {
    String entry = "\0CAIRN_MARKER=" + marker + "\0";
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path directory : entries) {
        long pid = Long.parseLong(directory.getFileName().toString());
        try {
          String environ =
              "\0"
                  + new String(
                      Files.readAllBytes(directory.resolve("environ")),
                      StandardCharsets.ISO_8859_1);
          if (environ.contains(entry) && isRunning(pid)) {
            pids.add(pid);
          }
        } catch (IOException e) {
          // Gone or not readable: not a live process of ours.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }
}
