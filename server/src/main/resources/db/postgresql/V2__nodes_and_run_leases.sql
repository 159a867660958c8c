-- The servers sharing this database. boot_id changes at every start of a node, so a restarted
-- node is told from its earlier life; heartbeat_at is on the database's clock.
CREATE TABLE nodes (
  node_id TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  boot_id TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  heartbeat_at TIMESTAMPTZ NOT NULL
);

-- Which node owns each live run. epoch rises by one at every change of owner, and every append
-- for the run checks it under a share lock on this row, so a takeover waits for an append in
-- progress and every append after it by the earlier owner is refused. A run's row goes with its
-- terminal event. expires_at is on the database's clock.
CREATE TABLE run_leases (
  run_id TEXT PRIMARY KEY,
  node_id TEXT NOT NULL,
  boot_id TEXT NOT NULL,
  epoch BIGINT NOT NULL CHECK (epoch >= 1),
  expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX run_leases_by_node ON run_leases (node_id, expires_at);
