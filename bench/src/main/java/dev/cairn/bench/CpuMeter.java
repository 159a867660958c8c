package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from /proc, in clock ticks (10 ms each): the whole machine's busy time, and one
 * process's own time with that of the children it has reaped. A step is reaped by the process that
 * started it, so make's figure holds its recipes and the launcher's holds its steps.
 */
final class CpuMeter {
  /** Clock ticks per second; USER_HZ is 100 on every Linux this runs on. */
  static final double TICKS_PER_SECOND = 100;

  private CpuMeter() {}

  /** Busy ticks of all CPUs since boot: everything but idle and I/O wait. */
  static long machineBusyTicks() {
    String[] fields = firstLine(Path.of("/proc/stat")).trim().split("\\s+");
    long busy = 0;
    // cpu user nice system idle iowait irq softirq steal ...
    for (int i = 1; i < fields.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(fields[i]);
      }
    }
    return busy;
  }

  /** utime + stime + cutime + cstime of a process, or 0 once it is gone. */
  static long processTicks(long pid) {
    String stat;
    try {
      stat = firstLine(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (UncheckedIOException gone) {
      return 0;
    }
    // Fields after the command name, which ends at the last ')': state is field 3.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = 0;
    for (int field = 14; field <= 17; field++) {
      ticks += Long.parseLong(fields[field - 3]);
    }
    return ticks;
  }

  /** The pids of a process's children (from every one of its threads). */
  static long[] children(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    StringBuilder all = new StringBuilder();
    try (var stream = Files.list(tasks)) {
      for (Path task : stream.toList()) {
        try {
          all.append(Files.readString(task.resolve("children"))).append(' ');
        } catch (IOException threadGone) {
          // A thread that ended between the listing and the read has no children to report.
        }
      }
    } catch (IOException e) {
      return new long[0];
    }
    String trimmed = all.toString().trim();
    if (trimmed.isEmpty()) {
      return new long[0];
    }
    String[] parts = trimmed.split("\\s+");
    long[] pids = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      pids[i] = Long.parseLong(parts[i]);
    }
    return pids;
  }

  private static String firstLine(Path path) {
    try (var lines = Files.lines(path)) {
      return lines.findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
