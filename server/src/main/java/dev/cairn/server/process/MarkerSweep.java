package dev.cairn.server.process;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Kills the processes that carry a marker, wherever they are: this finds the ones that left their
 * attempt's process group (with {@code setsid}) and the ones left by a previous server.
 *
 * <p>A process found by the sweep may fork while it is being killed, so the sweep scans again until
 * a scan finds nothing and every process it killed has died. It gives up after a deadline rather
 * than hang on a process stuck in the kernel.
 */
final class MarkerSweep {
  private static final System.Logger LOG = System.getLogger(MarkerSweep.class.getName());
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long RESCAN_PAUSE_NANOS = Duration.ofMillis(1).toNanos();

  private final ProcTable procTable;

  MarkerSweep(ProcTable procTable) {
    this.procTable = procTable;
  }

  /** SIGKILLs every process whose marker equals {@code marker}; returns how many it killed. */
  int exact(String marker) {
    return sweep(() -> procTable.withMarker(marker), "marker " + marker);
  }

  /** SIGKILLs every process whose marker starts with {@code prefix}; returns how many it killed. */
  int prefix(String prefix) {
    return sweep(() -> procTable.withMarkerPrefix(prefix), "marker prefix " + prefix);
  }

  private int sweep(Supplier<List<ProcStat>> scan, String description) {
    record Identity(long pid, long startTicks) {}
    Set<Identity> killed = new HashSet<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      List<ProcStat> found = scan.get();
      for (ProcStat process : found) {
        // The start time is checked again right before the signal, so that a pid that was reused
        // since the scan is not killed by mistake.
        if (procTable.sameProcess(process.pid(), process.startTicks())
            && PosixSignals.signalProcess(process.pid(), PosixSignals.SIGKILL)) {
          killed.add(new Identity(process.pid(), process.startTicks()));
        }
      }
      boolean dying =
          killed.stream().anyMatch(dead -> procTable.sameProcess(dead.pid(), dead.startTicks()));
      if (found.isEmpty() && !dying) {
        return killed.size();
      }
      if (System.nanoTime() - deadline > 0) {
        LOG.log(
            System.Logger.Level.WARNING,
            "processes with {0} survived SIGKILL for {1} s; giving up on them",
            description,
            DEADLINE.toSeconds());
        return killed.size();
      }
      LockSupport.parkNanos(RESCAN_PAUSE_NANOS);
    }
  }
}
