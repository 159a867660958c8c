-- A CRC32C per row (see RowChecksums): SQLite checks its pages' structure, not the bytes of a
-- record, so without it a damaged payload or id would be read back as another fact.
-- Rows written before this step get their checksum computed here, from the bytes they hold now:
-- after this step a NULL checksum is itself a sign of damage.
-- The events table stays append-only: its UPDATE trigger is dropped only for the backfill and
-- created again in the same transaction.
DROP TRIGGER events_no_update;

ALTER TABLE events ADD COLUMN crc INTEGER;

UPDATE events SET crc = cairn_event_crc(global_seq, run_id, run_seq, type, time_us, payload);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;

ALTER TABLE runs ADD COLUMN crc INTEGER;

UPDATE runs SET crc = cairn_run_crc(
  run_id, name, status, create_time_us, end_time_us, request_id, submit_seq);
