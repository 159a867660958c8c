-- Retention and delete remove whole finished runs, and only through one guarded path.
-- removed_runs keeps a tombstone per removed run, for a while (cairn.retention-tombstones), so
-- that GetRun can say the run was removed. cause: 1 retention, 2 delete.
CREATE TABLE removed_runs (
  run_id TEXT PRIMARY KEY,
  removed_at_us INTEGER NOT NULL,
  cause INTEGER NOT NULL CHECK (cause IN (1, 2)),
  last_global_seq INTEGER NOT NULL
) STRICT;

CREATE INDEX removed_runs_by_time ON removed_runs (removed_at_us);

-- The highest global_seq any removed run held, kept for ever in one row: it keeps the log's
-- numbers from being assigned again when the newest runs are removed, and tells the reads which
-- gaps in the log are removals rather than damage.
CREATE TABLE removal_mark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  highest_removed INTEGER NOT NULL
) STRICT;

INSERT INTO removal_mark (id, highest_removed) VALUES (1, 0);

-- The guard of the removal path: the deleting transaction first names its run here, which is
-- refused unless the run's projection row says it has ended (SUCCEEDED 3, FAILED 4,
-- CANCELLED 5), then deletes the run's events, then removes its row here again before it commits.
CREATE TABLE run_removal (
  run_id TEXT PRIMARY KEY
) STRICT;

CREATE TRIGGER run_removal_only_finished BEFORE INSERT ON run_removal
WHEN NOT EXISTS (SELECT 1 FROM runs WHERE run_id = NEW.run_id AND status IN (3, 4, 5))
BEGIN
  SELECT RAISE(ABORT, 'only a finished run can be removed');
END;

-- The log stays append-only everywhere else: a DELETE is allowed only for the events of a run
-- named in run_removal, and an UPDATE never.
DROP TRIGGER events_no_delete;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
WHEN NOT EXISTS (SELECT 1 FROM run_removal WHERE run_id = OLD.run_id)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE is allowed only when removing a finished run');
END;

-- Retention looks for finished runs by the time they ended.
CREATE INDEX runs_by_end ON runs (end_time_us) WHERE end_time_us IS NOT NULL;
