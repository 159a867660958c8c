-- Which run reruns which: a rerun's RunSubmitted names the run it takes up again (rerun_of);
-- this table answers the other way, the reruns of a run, for GetRun. Written in the same
-- transaction as the RunSubmitted and rebuilt from the events with the runs projection.
CREATE TABLE reruns (
  run_id TEXT PRIMARY KEY,
  rerun_of TEXT NOT NULL,
  submit_seq INTEGER NOT NULL
) STRICT;

CREATE INDEX reruns_of ON reruns (rerun_of, submit_seq);
