-- Schedules are event-sourced like runs, in a log of their own: each schedule is a stream of
-- ScheduleEvent rows numbered 1, 2, 3... Kept apart from the events table, so that the runs
-- projection, retention, the global sequence, run leases and every watcher see runs only.
CREATE TABLE schedule_events (
  schedule_id TEXT NOT NULL,
  schedule_seq BIGINT NOT NULL CHECK (schedule_seq >= 1),
  type TEXT NOT NULL,
  time_us BIGINT NOT NULL,
  payload BYTEA NOT NULL,
  PRIMARY KEY (schedule_id, schedule_seq)
);

-- Append-only, as the events table.
CREATE FUNCTION schedule_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'schedule events are append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER schedule_events_no_update_or_delete BEFORE UPDATE OR DELETE ON schedule_events
  FOR EACH ROW EXECUTE FUNCTION schedule_events_append_only();

CREATE TRIGGER schedule_events_no_truncate BEFORE TRUNCATE ON schedule_events
  FOR EACH STATEMENT EXECUTE FUNCTION schedule_events_append_only();
