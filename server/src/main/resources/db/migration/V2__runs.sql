-- The runs projection for listing and lookups, written in the same transaction as the
-- events that change it and rebuildable from them. Times are epoch microseconds.
-- submit_seq is the global_seq of the run's RunSubmitted: it orders runs newest first
-- and is the keyset position of list pages, so a page stays stable while runs arrive.
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  end_time_us INTEGER,
  request_id TEXT UNIQUE,
  submit_seq INTEGER NOT NULL UNIQUE
) STRICT;

-- Listing by workflow name, newest first.
CREATE INDEX runs_by_name ON runs (name, submit_seq);

-- Recovery looks for RUNNING (1) and CANCELLING (2) runs, which are few among many.
CREATE INDEX runs_unfinished ON runs (submit_seq) WHERE status IN (1, 2);
