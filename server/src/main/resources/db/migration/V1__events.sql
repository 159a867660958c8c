-- The event log: every fact about every run, in commit order.
-- global_seq is assigned by the single writer as last + 1, so it is gap-free.
-- payload holds the serialized cairn.v1.Event envelope, seqs included; the other
-- columns are copies of its fields that the store filters and orders by.
CREATE TABLE events (
  global_seq INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  run_seq INTEGER NOT NULL CHECK (run_seq >= 1),
  type TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  payload BLOB NOT NULL,
  UNIQUE (run_id, run_seq)
) STRICT;

-- The log is append-only: a recorded fact is never changed or removed, whoever connects.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed');
END;
