package dev.cairn.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds live processes by a string in their environment, the way the server's sweep does. */
final class ProcScan {
  private ProcScan() {}

  static List<Long> withEnvironment(String needle) {
    List<Long> pids = new ArrayList<>();
    byte[] target = needle.getBytes(StandardCharsets.UTF_8);
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : proc) {
        try {
          byte[] environ = Files.readAllBytes(dir.resolve("environ"));
          if (indexOf(environ, target) >= 0 && !isZombie(dir)) {
            pids.add(Long.parseLong(dir.getFileName().toString()));
          }
        } catch (IOException | SecurityException gone) {
          // The process exited while we looked, or is not ours to read.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  /**
   * Live processes one of whose arguments is exactly {@code argument}: how a test finds a process
   * that dropped the marker, by an argument only it has (such as {@code sleep 1000.<random>}).
   */
  static List<Long> withArgument(String argument) {
    List<Long> pids = new ArrayList<>();
    byte[] target = ("\0" + argument + "\0").getBytes(StandardCharsets.UTF_8);
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : proc) {
        try {
          byte[] arguments = Files.readAllBytes(dir.resolve("cmdline"));
          byte[] framed = new byte[arguments.length + 1];
          System.arraycopy(arguments, 0, framed, 1, arguments.length);
          if (indexOf(framed, target) >= 0 && !isZombie(dir)) {
            pids.add(Long.parseLong(dir.getFileName().toString()));
          }
        } catch (IOException | SecurityException gone) {
          // The process exited while we looked, or is not ours to read.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  private static boolean isZombie(Path dir) throws IOException {
    String stat = Files.readString(dir.resolve("stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
  }

  static boolean alive(long pid) {
    Path dir = Path.of("/proc", Long.toString(pid));
    try {
      return Files.exists(dir) && !isZombie(dir);
    } catch (IOException gone) {
      return false;
    }
  }

  /**
   * What a test failure needs to know about a process: its stat line (state, parent, group,
   * session) and its command line; or why neither could be read.
   */
  static String describe(long pid) {
    Path dir = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(dir.resolve("stat")).trim();
      String command = Files.readString(dir.resolve("cmdline")).replace('\0', ' ').trim();
      return pid + " [" + command + "] stat: " + stat;
    } catch (IOException e) {
      return pid + " (gone: " + e.getMessage() + ")";
    }
  }

  /** The marker prefix of every process of one run started by the server on this data dir. */
  static String runMarker(Path dataDir, String runId) {
    try {
      String store = Files.readString(dataDir.resolve("store-id")).trim();
      return "CAIRN_MARKER=cairn/" + store + "/" + runId + "/";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
