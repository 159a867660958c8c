-- The event log: every fact about every run, in commit order. global_seq is assigned in the
-- append transaction as log_head.last_global_seq + 1 while that row is locked, so it is gap-free
-- and in commit order whatever the number of servers writing. payload holds the serialized
-- cairn.v1.Event envelope, seqs included; the other columns are copies of its fields that the
-- store filters and orders by.
CREATE TABLE events (
  global_seq BIGINT PRIMARY KEY,
  run_id TEXT NOT NULL,
  run_seq BIGINT NOT NULL CHECK (run_seq >= 1),
  type TEXT NOT NULL,
  time_us BIGINT NOT NULL,
  payload BYTEA NOT NULL,
  UNIQUE (run_id, run_seq)
);

-- The log is append-only: a recorded fact is never changed or removed, whoever connects.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- The one row every append transaction locks first: it serializes the writers of all servers,
-- so the sequence they assign is the order in which they commit, and a reader resuming after
-- global_seq N never misses an event numbered below one it has seen.
CREATE TABLE log_head (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  last_global_seq BIGINT NOT NULL
);

INSERT INTO log_head (id, last_global_seq) VALUES (1, 0);

-- The runs projection for listing and lookups, written in the same transaction as the events
-- that change it and rebuildable from them. Times are epoch microseconds. submit_seq is the
-- global_seq of the run's RunSubmitted: it orders runs newest first and is the keyset position
-- of list pages, so a page stays stable while runs arrive.
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status INTEGER NOT NULL,
  create_time_us BIGINT NOT NULL,
  end_time_us BIGINT,
  request_id TEXT UNIQUE,
  submit_seq BIGINT NOT NULL UNIQUE
);

-- Listing by workflow name, newest first.
CREATE INDEX runs_by_name ON runs (name, submit_seq);

-- Recovery looks for RUNNING (1) and CANCELLING (2) runs, which are few among many.
CREATE INDEX runs_unfinished ON runs (submit_seq) WHERE status IN (1, 2);
