package dev.cairn.server.store;

/**
 * Where the kept log begins: the global_seq of the oldest event still stored (last + 1 when none
 * is), and the highest global_seq any removed run held (0 when nothing was ever removed).
 *
 * <p>A watcher resuming after global_seq A misses events for good only when events after A were
 * removed and nothing before the oldest kept event is left to tell it where the gap ends: that is,
 * when A is below both {@code oldestKept - 1} and {@code highestRemoved}. Everywhere else the log
 * simply skips the numbers of removed runs.
 */
public record LogHorizon(long oldestKept, long highestRemoved) {

  /** The smallest after_seq a global watcher may resume from without missing a kept event. */
  public long earliestResume() {
    return oldestKept - 1;
  }

  /** True when resuming after afterSeq would silently miss events that were removed. */
  public boolean refuses(long afterSeq) {
    return afterSeq > 0 && afterSeq < earliestResume() && afterSeq < highestRemoved;
  }
}
