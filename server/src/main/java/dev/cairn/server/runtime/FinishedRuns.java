package dev.cairn.server.runtime;

import dev.cairn.v1.Run;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GetRun answers of runs that have ended, which no event changes any more, kept so that a run of
 * thousands of steps is folded from its events once rather than on every call (0.15 s for 10,000
 * steps; a client polling it many times at once would hold every query thread). Bounded by the
 * answers' serialized size, least recently used first out. A run removed since is not served (the
 * caller checks the store first), and its rerun links are read again on each call.
 */
final class FinishedRuns {
  private final long maxBytes;
  private final LinkedHashMap<String, Run> runs = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  FinishedRuns(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized Run get(String runId) {
    return runs.get(runId);
  }

  synchronized void put(String runId, Run run) {
    long size = run.getSerializedSize();
    if (size > maxBytes / 4) {
      return;
    }
    Run before = runs.put(runId, run);
    bytes += size - (before == null ? 0 : before.getSerializedSize());
    Iterator<Map.Entry<String, Run>> oldest = runs.entrySet().iterator();
    while (bytes > maxBytes && oldest.hasNext()) {
      bytes -= oldest.next().getValue().getSerializedSize();
      oldest.remove();
    }
  }

  synchronized void remove(String runId) {
    Run removed = runs.remove(runId);
    if (removed != null) {
      bytes -= removed.getSerializedSize();
    }
  }
}
