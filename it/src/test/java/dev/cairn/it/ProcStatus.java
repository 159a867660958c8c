package dev.cairn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Figures from /proc/PID/status of a process: resident memory now and at its peak, and threads.
 *
 * @param rssKib VmRSS, resident memory now, in KiB
 * @param peakRssKib VmHWM, the most resident memory so far, in KiB
 * @param threads the number of threads
 */
record ProcStatus(long rssKib, long peakRssKib, int threads) {

  static ProcStatus of(long pid) {
    String text;
    try {
      text = Files.readString(Path.of("/proc/" + pid + "/status"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProcStatus(
        field(text, "VmRSS:"), field(text, "VmHWM:"), (int) field(text, "Threads:"));
  }

  /** User and system CPU time the process used so far, in seconds. */
  static double cpuSeconds(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  long rssMib() {
    return rssKib >> 10;
  }

  long peakRssMib() {
    return peakRssKib >> 10;
  }

  private static long field(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + name + " in /proc status");
  }

  @Override
  public String toString() {
    return "RSS " + rssMib() + " MiB (peak " + peakRssMib() + " MiB), " + threads + " threads";
  }
}
