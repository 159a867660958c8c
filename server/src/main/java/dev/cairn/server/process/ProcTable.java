package dev.cairn.server.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Reads the Linux process table under {@code /proc}: the identity of a pid (its start time), its
 * session and process group, group membership, and the processes whose environment carries an
 * attempt marker.
 *
 * <p>Every read tolerates processes that vanish or are not readable (another user's environment):
 * such a process is treated as absent, because the table changes while it is read.
 */
public final class ProcTable {
  private static final byte[] MARKER_PREFIX =
      (LaunchRequest.MARKER_VARIABLE + "=").getBytes(StandardCharsets.UTF_8);

  private final Path procRoot;
  private final long selfPid = ProcessHandle.current().pid();

  /** A table over the system's {@code /proc}. */
  public ProcTable() {
    this(Path.of("/proc"));
  }

  ProcTable(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** The stat fields of a pid, or empty when no such process exists. */
  public Optional<ProcStat> stat(long pid) {
    String line;
    try {
      line = Files.readString(procRoot.resolve(Long.toString(pid)).resolve("stat"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.of(parseStat(pid, line));
  }

  /** The start time of a pid in clock ticks since boot, or empty when no such process exists. */
  public OptionalLong startTicks(long pid) {
    return stat(pid).map(s -> OptionalLong.of(s.startTicks())).orElse(OptionalLong.empty());
  }

  /**
   * Whether {@code pid} is still the live process that started at {@code startTicks}: false when
   * the pid is gone, has ended (a zombie), or now belongs to another process.
   */
  public boolean sameProcess(long pid, long startTicks) {
    return stat(pid).filter(s -> !s.isDead() && s.startTicks() == startTicks).isPresent();
  }

  /** Whether any process of the group is still alive; zombies waiting to be reaped do not count. */
  public boolean groupHasLiveMember(long pgid) {
    for (long pid : pids()) {
      Optional<ProcStat> stat = stat(pid);
      if (stat.isPresent() && stat.get().pgid() == pgid && !stat.get().isDead()) {
        return true;
      }
    }
    return false;
  }

  /** The marker in the environment a process started with, or empty when it has none. */
  public Optional<String> marker(long pid) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return markerIn(environ);
  }

  /** The live processes whose marker equals {@code marker} exactly. */
  public List<ProcStat> withMarker(String marker) {
    return withMarkerMatching(marker::equals);
  }

  /** The live processes whose marker starts with {@code markerPrefix}. */
  public List<ProcStat> withMarkerPrefix(String markerPrefix) {
    return withMarkerMatching(value -> value.startsWith(markerPrefix));
  }

  /** The live processes (never this JVM) whose marker matches; zombies have no environment. */
  List<ProcStat> withMarkerMatching(Predicate<String> matches) {
    List<ProcStat> found = new ArrayList<>();
    for (long pid : pids()) {
      if (pid == selfPid) {
        continue;
      }
      Optional<String> marker = marker(pid);
      if (marker.isPresent() && matches.test(marker.get())) {
        stat(pid).filter(s -> !s.isDead()).ifPresent(found::add);
      }
    }
    return found;
  }

  private List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + procRoot + ": " + e.getMessage(), e);
    }
    return pids;
  }

  // The command name in parentheses may itself contain spaces and parentheses, so the fields are
  // counted from the last closing parenthesis.
  static ProcStat parseStat(long pid, String line) {
    String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
    // fields[0] is field 3 of proc(5), so field N is fields[N - 3].
    return new ProcStat(
        pid,
        fields[0].charAt(0),
        Long.parseLong(fields[1]),
        Long.parseLong(fields[2]),
        Long.parseLong(fields[3]),
        Long.parseLong(fields[19]));
  }

  private static Optional<String> markerIn(byte[] environ) {
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      if (startsWithMarker(environ, start, end)) {
        int valueStart = start + MARKER_PREFIX.length;
        return Optional.of(
            new String(environ, valueStart, end - valueStart, StandardCharsets.UTF_8));
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static boolean startsWithMarker(byte[] environ, int start, int end) {
    if (end - start < MARKER_PREFIX.length) {
      return false;
    }
    for (int i = 0; i < MARKER_PREFIX.length; i++) {
      if (environ[start + i] != MARKER_PREFIX[i]) {
        return false;
      }
    }
    return true;
  }
}
