-- Any node serves any client (issue 20): what the nodes tell each other through the database.
-- Numbered 7, leaving 5 and 6 to work in progress on other parts of the cluster; Flyway applies
-- versions in order and allows gaps.

-- Every commit of the log wakes the nodes' event tails at once (they also poll, should a
-- notification be lost with a connection). The payload is the new head of the log.
CREATE FUNCTION log_head_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cairn_events', NEW.last_global_seq::TEXT);
  RETURN NULL;
END;
$$;

CREATE TRIGGER log_head_moved AFTER UPDATE ON log_head
  FOR EACH ROW EXECUTE FUNCTION log_head_notify();

-- A command a node records for a run another node owns: the owner (whoever holds the run's lease
-- when it looks) applies it through its engine and records the outcome, or the node that recorded
-- it withdraws it once no node owns the run. kind: 1 cancel. outcome_status is the run's status
-- the owner answered with; error the one line it answered instead.
CREATE TABLE run_commands (
  command_id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL,
  kind SMALLINT NOT NULL CHECK (kind = 1),
  reason TEXT NOT NULL,
  principal TEXT NOT NULL,
  from_node TEXT NOT NULL,
  to_node TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  done_at TIMESTAMPTZ,
  done_by TEXT,
  outcome_status INTEGER,
  error TEXT
);

-- Owners look for the commands still waiting, which are few among many.
CREATE INDEX run_commands_waiting ON run_commands (run_id) WHERE done_at IS NULL;

-- Old answered commands are of no use to anyone; nodes delete them after a while.
CREATE INDEX run_commands_done ON run_commands (done_at) WHERE done_at IS NOT NULL;

CREATE FUNCTION run_commands_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('cairn_commands', NEW.to_node);
  ELSIF NEW.done_at IS NOT NULL AND OLD.done_at IS NULL THEN
    PERFORM pg_notify('cairn_command_done', NEW.command_id::TEXT);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER run_commands_changed AFTER INSERT OR UPDATE ON run_commands
  FOR EACH ROW EXECUTE FUNCTION run_commands_notify();

-- What a node serves, as it last said: where clients and other nodes reach it (the port it
-- bound), the marker prefix of the processes it starts (which tells which node ran an attempt),
-- how many live runs it holds and how many it takes. seen_at is on the database's clock.
CREATE TABLE node_services (
  node_id TEXT PRIMARY KEY,
  boot_id TEXT NOT NULL,
  address TEXT NOT NULL,
  marker_prefix TEXT NOT NULL,
  live_runs INTEGER NOT NULL,
  max_live_runs INTEGER NOT NULL,
  seen_at TIMESTAMPTZ NOT NULL
);
