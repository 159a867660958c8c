package dev.cairn.server.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.v1.ScheduleEvent;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the schedule log, the same for every database that has the {@code schedule_events}
 * table (see each adapter's schedules migration): each adapter runs it on its own writer in its own
 * transaction.
 */
public final class ScheduleRows {
  private ScheduleRows() {}

  /** Checks the events and inserts them; the caller holds a write transaction. */
  public static void append(Handle handle, List<ScheduleEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    String scheduleId = events.get(0).getScheduleId();
    long last =
        handle
            .createQuery(
                "SELECT COALESCE(MAX(schedule_seq), 0) FROM schedule_events"
                    + " WHERE schedule_id = :id")
            .bind("id", scheduleId)
            .mapTo(Long.class)
            .one();
    for (ScheduleEvent event : events) {
      last++;
      if (event.getScheduleSeq() != last) {
        throw new StoreConflictException(
            "schedule "
                + scheduleId
                + " is at schedule_seq "
                + (last - 1)
                + "; an append of schedule_seq "
                + event.getScheduleSeq()
                + " came after another writer's");
      }
      handle
          .createUpdate(
              "INSERT INTO schedule_events (schedule_id, schedule_seq, type, time_us, payload)"
                  + " VALUES (:id, :seq, :type, :time, :payload)")
          .bind("id", scheduleId)
          .bind("seq", event.getScheduleSeq())
          .bind("type", event.getPayloadCase().name())
          .bind("time", EpochMicros.of(event.getTime()))
          .bind("payload", event.toByteArray())
          .execute();
    }
  }

  /** Rejects what no store could file: these are caller bugs, not conflicts. */
  public static void requireWellFormed(List<ScheduleEvent> events) {
    for (ScheduleEvent event : events) {
      if (event.getScheduleId().isEmpty()) {
        throw new IllegalArgumentException("a schedule event to append has no schedule_id");
      }
      if (!event.getScheduleId().equals(events.get(0).getScheduleId())) {
        throw new IllegalArgumentException("one append takes the events of one schedule");
      }
      if (event.getPayloadCase() == ScheduleEvent.PayloadCase.PAYLOAD_NOT_SET) {
        throw new IllegalArgumentException(
            "an event of schedule " + event.getScheduleId() + " has no payload");
      }
      if (!event.hasTime()) {
        throw new IllegalArgumentException(
            "an event of schedule " + event.getScheduleId() + " has no time");
      }
    }
  }

  public static List<String> ids(Handle handle) {
    return handle
        .createQuery("SELECT DISTINCT schedule_id FROM schedule_events ORDER BY schedule_id")
        .mapTo(String.class)
        .list();
  }

  public static List<ScheduleEvent> read(
      Handle handle, String scheduleId, long afterSeq, int limit) {
    return handle
        .createQuery(
            "SELECT payload FROM schedule_events WHERE schedule_id = :id AND schedule_seq > :after"
                + " ORDER BY schedule_seq LIMIT :limit")
        .bind("id", scheduleId)
        .bind("after", afterSeq)
        .bind("limit", limit)
        .map((row, ctx) -> parse(scheduleId, row.getBytes("payload")))
        .list();
  }

  private static ScheduleEvent parse(String scheduleId, byte[] payload) {
    try {
      return ScheduleEvent.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(
          "an event of schedule " + scheduleId + " does not parse: " + e.getMessage(), e);
    }
  }
}
