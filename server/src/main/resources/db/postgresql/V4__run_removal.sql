-- Retention and delete remove whole finished runs, and only through one guarded path.
-- removed_runs keeps a tombstone per removed run, for a while (cairn.retention-tombstones), so
-- that GetRun can say the run was removed. cause: 1 retention, 2 delete.
CREATE TABLE removed_runs (
  run_id TEXT PRIMARY KEY,
  removed_at_us BIGINT NOT NULL,
  cause SMALLINT NOT NULL CHECK (cause IN (1, 2)),
  last_global_seq BIGINT NOT NULL
);

CREATE INDEX removed_runs_by_time ON removed_runs (removed_at_us);

-- The highest global_seq any removed run held, kept for ever in one row: it tells the reads which
-- gaps in the log are removals rather than damage. (log_head keeps the numbers from being
-- assigned again.)
CREATE TABLE removal_mark (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  highest_removed BIGINT NOT NULL
);

INSERT INTO removal_mark (id, highest_removed) VALUES (1, 0);

-- The log stays append-only, except for the one guarded path: the deleting transaction names
-- its run with SET LOCAL cairn.removing_run, and only that run's events may then be deleted, and
-- only while its projection row says it has ended (SUCCEEDED 3, FAILED 4, CANCELLED 5). UPDATE
-- and TRUNCATE are refused always.
CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.run_id = current_setting('cairn.removing_run', true)
       AND EXISTS (SELECT 1 FROM runs WHERE run_id = OLD.run_id AND status IN (3, 4, 5)) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP;
END;
$$;

-- Retention looks for finished runs by the time they ended.
CREATE INDEX runs_by_end ON runs (end_time_us) WHERE end_time_us IS NOT NULL;
