package dev.cairn.server.runtime;

import dev.cairn.server.engine.RunState;
import dev.cairn.v1.WorkflowSpec;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs not yet terminal, and among them the schedulable ones: those that may have an attempt to
 * start, by the order they became live, so that the oldest run gets a free slot first. A scheduling
 * pass looks only at these, not at every live run. A run leaves the schedulable set once it has
 * nothing more to start, and comes back with any input for it (an exit, a start, a decision, a
 * retry falling due) or a Wakeup, which brings back every live run. The schedulable set is always a
 * subset of the live runs: a run leaves only through {@link #retire}, which drops it from both.
 * Owned by the engine thread; only the count is read elsewhere.
 */
final class LiveRuns {
  private final Map<String, RunState> live = new LinkedHashMap<>();
  private final TreeMap<Long, String> schedulable = new TreeMap<>();
  private final Map<String, Long> liveOrder = new HashMap<>();
  private long nextLiveOrder;
  private volatile int published;
  // What the live runs are reckoned to hold in memory (memoryOf, summed); see
  // InputHandler.overBudget.
  private long memoryBytes;
  // The live run ids, for other threads (a takeover leaves alone the runs this node works on).
  private final java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();

  RunState get(String runId) {
    return live.get(runId);
  }

  boolean contains(String runId) {
    return live.containsKey(runId);
  }

  /** The run's new state after a decision: it may have something to start now. */
  void put(String runId, RunState state) {
    if (live.put(runId, state) == null) {
      memoryBytes += memoryOf(state.plan().spec());
    }
    ids.add(runId);
    markSchedulable(runId);
  }

  /** What the live runs are reckoned to hold in memory, together. */
  long memoryBytes() {
    return memoryBytes;
  }

  /**
   * What a live run of this spec is reckoned to hold in memory: its spec, and for each step its
   * state and plan. Measured: a run of 10,000 one-word steps held about 4.7 MB of heap for a spec
   * of 209 KB, some 450 bytes a step beyond the spec.
   */
  static int memoryOf(WorkflowSpec spec) {
    return (int)
        Math.min(Integer.MAX_VALUE, spec.getSerializedSize() + 512L * spec.getStepsCount());
  }

  /** The live map, for recovery to fill before the first pass (a Wakeup follows). */
  Map<String, RunState> forRecovery() {
    return new java.util.AbstractMap<>() {
      @Override
      public RunState put(String runId, RunState state) {
        RunState before = live.get(runId);
        LiveRuns.this.put(runId, state);
        return before;
      }

      @Override
      public java.util.Set<Map.Entry<String, RunState>> entrySet() {
        return java.util.Collections.unmodifiableMap(live).entrySet();
      }
    };
  }

  /** The ids of the live runs; any thread may read them. */
  java.util.Set<String> ids() {
    return java.util.Collections.unmodifiableSet(ids);
  }

  /** A snapshot of the live runs, in the order they became live. */
  List<Map.Entry<String, RunState>> snapshot() {
    return List.copyOf(live.entrySet());
  }

  void markSchedulable(String runId) {
    if (live.containsKey(runId)) {
      schedulable.put(liveOrder.computeIfAbsent(runId, id -> nextLiveOrder++), runId);
    }
  }

  void markAllSchedulable() {
    for (String runId : List.copyOf(live.keySet())) {
      markSchedulable(runId);
    }
  }

  boolean isSchedulable(String runId) {
    Long order = liveOrder.get(runId);
    return order != null && schedulable.containsKey(order);
  }

  /** The schedulable runs, oldest first; the scheduling pass removes those it is done with. */
  Iterator<String> schedulable() {
    return schedulable.values().iterator();
  }

  /** The run left the live set: it has nothing more to schedule. */
  void retire(String runId) {
    RunState retired = live.remove(runId);
    if (retired != null) {
      // A run's plan, and so its spec, is the one it was put with.
      memoryBytes -= memoryOf(retired.plan().spec());
    }
    ids.remove(runId);
    Long order = liveOrder.remove(runId);
    if (order != null) {
      schedulable.remove(order);
    }
  }

  /** Makes the current count visible to other threads (the stats call). */
  void publishCount() {
    published = live.size();
  }

  /** Makes visible the count the live runs will have once {@code ended} are retired. */
  void publishCountWithout(java.util.Set<String> ended) {
    int count = live.size();
    for (String runId : ended) {
      if (live.containsKey(runId)) {
        count--;
      }
    }
    published = count;
  }

  int publishedCount() {
    return published;
  }
}
