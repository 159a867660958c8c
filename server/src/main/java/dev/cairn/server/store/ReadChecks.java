package dev.cairn.server.store;

import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What every read checks about the sequence of rows it got: sequences are gap-free by construction
 * (the single writer assigns last + 1), so a gap, a repeat or a row of another run means rows were
 * lost or a lookup went astray in a damaged page or index. The one exception is the removal of
 * whole finished runs (retention or delete): their numbers are missing for good, and all of them
 * lie at or below the highest global_seq a removed run held, so a gap in the log is damage only
 * when it reaches above that number.
 */
public final class ReadChecks {
  private ReadChecks() {}

  /** The events read for one run after afterRunSeq continue it: after + 1, after + 2, ... */
  public static void requireRunContinues(String runId, long afterRunSeq, List<Event> events) {
    long expected = afterRunSeq + 1;
    for (Event event : events) {
      if (!event.getRunId().equals(runId)) {
        throw new StoreCorruptException(
            "reading run "
                + runId
                + " found an event of run "
                + event.getRunId()
                + " (global_seq "
                + event.getGlobalSeq()
                + "): the events index is damaged");
      }
      if (event.getRunSeq() != expected) {
        throw new StoreCorruptException(
            "run "
                + runId
                + " is missing events: after run_seq "
                + (expected - 1)
                + " the next stored is "
                + event.getRunSeq());
      }
      if (expected == 1 && event.getPayloadCase() != PayloadCase.RUN_SUBMITTED) {
        throw new StoreCorruptException(
            "run " + runId + " begins with " + event.getPayloadCase() + ", not RUN_SUBMITTED");
      }
      expected++;
    }
  }

  /** The events read after afterGlobalSeq continue the log: after + 1, after + 2, ... */
  public static void requireLogContinues(long afterGlobalSeq, List<Event> events) {
    requireLogContinues(afterGlobalSeq, events, () -> 0L);
  }

  /**
   * The events read after afterGlobalSeq continue the log, skipping only numbers at or below the
   * highest global_seq of a removed run, which is asked for only when there is a gap (and must be
   * read after the events, since it only grows).
   */
  public static void requireLogContinues(
      long afterGlobalSeq, List<Event> events, LongSupplier highestRemoved) {
    long expected = afterGlobalSeq + 1;
    for (Event event : events) {
      expected = nextInLog(expected, event.getGlobalSeq(), highestRemoved);
    }
  }

  private static long nextInLog(long expected, long found, LongSupplier highestRemoved) {
    if (found != expected && (found < expected || found - 1 > highestRemoved.getAsLong())) {
      throw new StoreCorruptException(
          "the event log is missing events: after global_seq "
              + (expected - 1)
              + " the next stored is "
              + found);
    }
    return found + 1;
  }

  /** {@link #requireRunContinues} for events read as their bytes. */
  public static void requireRunContinuesEncoded(
      String runId, long afterRunSeq, List<EncodedEvent> events) {
    long expected = afterRunSeq + 1;
    for (EncodedEvent event : events) {
      if (!event.runId().equals(runId)) {
        throw new StoreCorruptException(
            "reading run "
                + runId
                + " found an event of run "
                + event.runId()
                + " (global_seq "
                + event.globalSeq()
                + "): the events index is damaged");
      }
      if (event.runSeq() != expected) {
        throw new StoreCorruptException(
            "run "
                + runId
                + " is missing events: after run_seq "
                + (expected - 1)
                + " the next stored is "
                + event.runSeq());
      }
      if (expected == 1 && event.payloadCase() != PayloadCase.RUN_SUBMITTED) {
        throw new StoreCorruptException(
            "run " + runId + " begins with " + event.payloadCase() + ", not RUN_SUBMITTED");
      }
      expected++;
    }
  }

  /** {@link #requireLogContinues} for events read as their bytes. */
  public static void requireLogContinuesEncoded(long afterGlobalSeq, List<EncodedEvent> events) {
    requireLogContinuesEncoded(afterGlobalSeq, events, () -> 0L);
  }

  /** {@link #requireLogContinues(long, List, LongSupplier)} for events read as their bytes. */
  public static void requireLogContinuesEncoded(
      long afterGlobalSeq, List<EncodedEvent> events, LongSupplier highestRemoved) {
    long expected = afterGlobalSeq + 1;
    for (EncodedEvent event : events) {
      expected = nextInLog(expected, event.globalSeq(), highestRemoved);
    }
  }
}
