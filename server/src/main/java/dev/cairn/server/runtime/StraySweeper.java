package dev.cairn.server.runtime;

import dev.cairn.server.process.ProcStat;
import dev.cairn.server.process.ProcTable;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Kills processes that carry this store's marker but belong to no running attempt: children that
 * escaped their group with {@code setsid} and outlived a step that exited on its own. It runs off
 * the critical path, shortly after attempts finish, so a step's completion is never delayed by a
 * scan of /proc.
 */
final class StraySweeper {
  private static final Logger LOG = Logger.getLogger(StraySweeper.class);
  private static final long PERIOD_MILLIS = 200;

  private final AttemptRunner runner;
  private final ProcTable procTable = new ProcTable();
  private final String markerPrefix;
  private final Supplier<Set<String>> liveMarkers;
  private final AtomicBoolean dirty = new AtomicBoolean();

  StraySweeper(AttemptRunner runner, String markerPrefix, Supplier<Set<String>> liveMarkers) {
    this.runner = runner;
    this.markerPrefix = markerPrefix;
    this.liveMarkers = liveMarkers;
  }

  void start(ScheduledExecutorService executor) {
    executor.scheduleWithFixedDelay(
        this::sweepIfDirty, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** An attempt finished: its escaped children, if any, are strays from now on. */
  void markDirty() {
    dirty.set(true);
  }

  private void sweepIfDirty() {
    if (!dirty.getAndSet(false)) {
      return;
    }
    try {
      for (ProcStat process : procTable.withMarkerPrefix(markerPrefix)) {
        Optional<String> marker = procTable.marker(process.pid());
        if (marker.isPresent() && !liveMarkers.get().contains(marker.get())) {
          int killed = runner.sweep(marker.get());
          if (killed > 0) {
            LOG.infof("killed %d stray process(es) of finished attempt %s", killed, marker.get());
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("stray process sweep failed", e);
    }
  }
}
