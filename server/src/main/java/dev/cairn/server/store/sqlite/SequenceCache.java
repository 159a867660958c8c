package dev.cairn.server.store.sqlite;

import dev.cairn.v1.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last committed global_seq, and the last committed run_seq of recently written runs, so that
 * an append need not ask the database for them. The store's writer is the only one that changes
 * either, so they stay true until it forgets them after a failed transaction.
 */
final class SequenceCache {
  private static final long UNKNOWN = -1;
  private static final int MAX_RUNS = 4096;

  private long lastGlobalSeq = UNKNOWN;
  private final Map<String, Long> lastRunSeqs =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_RUNS;
        }
      };

  /** The last committed global_seq, or -1 when unknown. */
  long lastGlobalSeq() {
    return lastGlobalSeq;
  }

  /** The last committed run_seq of the run, or null when unknown. */
  Long lastRunSeq(String runId) {
    return lastRunSeqs.get(runId);
  }

  /** Records a committed batch. */
  void committed(List<Event> stored) {
    for (Event event : stored) {
      lastRunSeqs.put(event.getRunId(), event.getRunSeq());
    }
    lastGlobalSeq = stored.get(stored.size() - 1).getGlobalSeq();
  }

  /** Forgets one run, after its removal: an append for it must ask the database again. */
  void forgetRun(String runId) {
    lastRunSeqs.remove(runId);
  }

  /** Forgets everything, after a transaction that did not commit. */
  void forget() {
    lastGlobalSeq = UNKNOWN;
    lastRunSeqs.clear();
  }
}
