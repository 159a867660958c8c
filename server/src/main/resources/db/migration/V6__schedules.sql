-- Schedules are event-sourced like runs, in a log of their own: each schedule is a stream of
-- ScheduleEvent rows numbered 1, 2, 3... Kept apart from the events table, so that the runs
-- projection, retention, the global sequence and every watcher see runs only.
CREATE TABLE schedule_events (
  schedule_id TEXT NOT NULL,
  schedule_seq INTEGER NOT NULL CHECK (schedule_seq >= 1),
  type TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  payload BLOB NOT NULL,
  PRIMARY KEY (schedule_id, schedule_seq)
) STRICT;

-- Append-only, as the events table.
CREATE TRIGGER schedule_events_no_update BEFORE UPDATE ON schedule_events
BEGIN
  SELECT RAISE(ABORT, 'schedule events are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER schedule_events_no_delete BEFORE DELETE ON schedule_events
BEGIN
  SELECT RAISE(ABORT, 'schedule events are append-only: DELETE is not allowed');
END;
