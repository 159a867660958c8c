package dev.cairn.server.store;

import dev.cairn.v1.ScheduleEvent;
import java.util.List;

/**
 * The schedules' log: each schedule is a stream of {@link ScheduleEvent}s numbered 1, 2, 3..., kept
 * in the same database as the runs' events but in a table of its own, so that nothing that reads
 * runs (the runs projection, retention, the global sequence, watchers, run leases) ever sees a
 * schedule. Append-only like the events: the database refuses UPDATE and DELETE of its rows.
 *
 * <p>A schedule's state is rebuilt by folding its events; the runs its firings started are in the
 * events table, each with a RunSubmitted naming the schedule, its nominal time and a request id
 * derived from both.
 */
public interface ScheduleLog {

  /**
   * Appends events of one schedule in one transaction and returns once the commit is durable. The
   * first event's schedule_seq must be the schedule's last + 1 (1 for a new schedule) and the
   * others must follow it; otherwise nothing is written and {@link StoreConflictException} says
   * another writer came first.
   *
   * @throws IllegalArgumentException if an event lacks a schedule id, a time or a payload, or the
   *     events name more than one schedule
   */
  void appendSchedule(List<ScheduleEvent> events);

  /** The ids of every schedule that has events, deleted ones included, ascending. */
  List<String> scheduleIds();

  /** Events of one schedule with schedule_seq > afterSeq, ascending, at most limit. */
  List<ScheduleEvent> readSchedule(String scheduleId, long afterSeq, int limit);

  /**
   * Whether this server is the one that fires the schedules, among the servers sharing the store.
   * Only one may: two submitting the same firing at once would race for its request id. A store of
   * one server always leads; a shared one lets the first server that asks lead until its connection
   * ends, and then the next one that asks.
   */
  default boolean leadsFiring() {
    return true;
  }
}
