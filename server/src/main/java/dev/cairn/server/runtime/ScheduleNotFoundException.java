package dev.cairn.server.runtime;

/** No schedule has this id, or it was deleted. */
public final class ScheduleNotFoundException extends RuntimeException {
  public ScheduleNotFoundException(String scheduleId) {
    super("schedule " + scheduleId + " not found");
  }
}
