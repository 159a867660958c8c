package dev.cairn.server.runtime;

/** A schedule with this id exists (and is not deleted). */
public final class ScheduleExistsException extends RuntimeException {
  public ScheduleExistsException(String scheduleId) {
    super("schedule " + scheduleId + " already exists: delete it first, or choose another id");
  }
}
