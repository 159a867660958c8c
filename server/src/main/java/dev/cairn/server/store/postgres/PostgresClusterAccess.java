package dev.cairn.server.store.postgres;

import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.RunLease;
import dev.cairn.server.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The nodes' side channel in PostgreSQL: the {@code run_commands} and {@code node_services} tables
 * and the notifications their triggers and the log head's send (migration V7). Each statement is
 * one short transaction of its own on a pooled connection; none touches the log, so none waits for
 * an append.
 */
final class PostgresClusterAccess implements ClusterAccess {
  private final PostgresAddress address;
  private final PostgresConnections connections;
  private final Jdbi jdbi;
  private final PostgresNode node;

  PostgresClusterAccess(
      PostgresAddress address, PostgresConnections connections, Jdbi jdbi, PostgresNode node) {
    this.address = address;
    this.connections = connections;
    this.jdbi = jdbi;
    this.node = node;
  }

  @Override
  public NodeIdentity node() {
    return node.identity();
  }

  @Override
  public Optional<RunLease> leaseOf(String runId) {
    return use("the lease of run " + runId, handle -> PostgresNode.leaseOf(handle, runId));
  }

  @Override
  public AutoCloseable listen(Signals signals, Duration tickEvery) {
    return PostgresListener.start(connections, address, signals, tickEvery);
  }

  @Override
  public long recordCancel(String runId, String toNode, String reason, String principal) {
    return use(
        "a cancel of run " + runId,
        handle ->
            handle
                .createQuery(
                    "INSERT INTO run_commands (run_id, kind, reason, principal, from_node,"
                        + " to_node) VALUES (:run, 1, :reason, :principal, :from, :to)"
                        + " RETURNING command_id")
                .bind("run", runId)
                .bind("reason", reason)
                .bind("principal", principal)
                .bind("from", node.identity().nodeId())
                .bind("to", toNode)
                .mapTo(Long.class)
                .one());
  }

  @Override
  public List<RunCommand> waitingCommands(int limit) {
    return use(
        "the commands waiting for node " + node.identity().nodeId(),
        handle ->
            handle
                .createQuery(
                    "SELECT c.command_id, c.run_id, c.reason, c.principal FROM run_commands c"
                        + " JOIN run_leases l ON l.run_id = c.run_id WHERE c.done_at IS NULL"
                        + " AND l.node_id = :node AND l.boot_id = :boot"
                        + " ORDER BY c.command_id LIMIT :limit")
                .bind("node", node.identity().nodeId())
                .bind("boot", node.identity().bootId())
                .bind("limit", limit)
                .map(
                    (row, ctx) ->
                        new RunCommand(
                            row.getLong(1), row.getString(2), row.getString(3), row.getString(4)))
                .list());
  }

  @Override
  public boolean answer(long commandId, CommandAnswer answer) {
    return use(
        "the answer to command " + commandId,
        handle ->
            handle
                    .createUpdate(
                        "UPDATE run_commands SET done_at = now(), done_by = :by,"
                            + " outcome_status = :status, error = :error"
                            + " WHERE command_id = :id AND done_at IS NULL")
                    .bind("by", answer.doneBy())
                    .bind("status", answer.status())
                    .bind("error", answer.error())
                    .bind("id", commandId)
                    .execute()
                == 1);
  }

  @Override
  public Optional<CommandAnswer> answerOf(long commandId) {
    return use(
        "the answer to command " + commandId,
        handle ->
            handle
                .createQuery(
                    "SELECT done_by, outcome_status, error FROM run_commands"
                        + " WHERE command_id = :id AND done_at IS NOT NULL")
                .bind("id", commandId)
                .map(
                    (row, ctx) ->
                        new CommandAnswer(
                            row.getString(1),
                            row.getInt(2),
                            row.getString(3) == null ? "" : row.getString(3)))
                .findOne());
  }

  @Override
  public int forgetAnswered(Duration olderThan) {
    return use(
        "answered commands",
        handle ->
            handle
                .createUpdate(
                    "DELETE FROM run_commands WHERE done_at IS NOT NULL"
                        + " AND done_at < now() - :ms * interval '1 millisecond'")
                .bind("ms", olderThan.toMillis())
                .execute());
  }

  /** The first key of the advisory locks on request_ids, so that they are told from others. */
  private static final int REQUEST_LOCKS = 0x43524951;

  @Override
  public AutoCloseable lockRequest(String requestId) {
    org.jdbi.v3.core.Handle handle;
    try {
      handle = jdbi.open();
    } catch (JdbiException e) {
      throw lockFailed(requestId, e);
    }
    try {
      handle
          .createQuery("SELECT 1 FROM (SELECT pg_advisory_lock(:space, hashtext(:id))) AS locked")
          .bind("space", REQUEST_LOCKS)
          .bind("id", requestId)
          .mapTo(Integer.class)
          .one();
    } catch (JdbiException e) {
      handle.close();
      throw lockFailed(requestId, e);
    }
    return () -> {
      try {
        handle
            .createQuery("SELECT pg_advisory_unlock(:space, hashtext(:id))")
            .bind("space", REQUEST_LOCKS)
            .bind("id", requestId)
            .mapTo(Boolean.class)
            .one();
      } catch (JdbiException e) {
        // The session ends below, and its locks with it.
        handle.getConnection().close();
      } finally {
        handle.close();
      }
    };
  }

  /** The connection is dropped from the pool's idle ones: the database may have gone away. */
  private StoreException lockFailed(String requestId, JdbiException e) {
    connections.dropIdle();
    return new StoreException(
        "could not lock request_id "
            + requestId
            + " in "
            + address
            + ": "
            + PostgresErrors.describe(e),
        e);
  }

  @Override
  public void publish(NodeService service) {
    use(
        "what node " + service.nodeId() + " serves",
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO node_services (node_id, boot_id, address, marker_prefix,"
                        + " live_runs, max_live_runs, seen_at) VALUES (:node, :boot, :address,"
                        + " :prefix, :live, :max, now()) ON CONFLICT (node_id) DO UPDATE SET"
                        + " boot_id = EXCLUDED.boot_id, address = EXCLUDED.address,"
                        + " marker_prefix = EXCLUDED.marker_prefix,"
                        + " live_runs = EXCLUDED.live_runs,"
                        + " max_live_runs = EXCLUDED.max_live_runs, seen_at = EXCLUDED.seen_at")
                .bind("node", service.nodeId())
                .bind("boot", service.bootId())
                .bind("address", service.address())
                .bind("prefix", service.markerPrefix())
                .bind("live", service.liveRuns())
                .bind("max", service.maxLiveRuns())
                .execute());
  }

  @Override
  public List<NodeService> services() {
    return use(
        "what the nodes serve",
        handle ->
            handle
                .createQuery(
                    "SELECT node_id, boot_id, address, marker_prefix, live_runs, max_live_runs,"
                        + " GREATEST(0, (EXTRACT(EPOCH FROM now() - seen_at) * 1000))::BIGINT"
                        + " FROM node_services ORDER BY node_id")
                .map(
                    (row, ctx) ->
                        new NodeService(
                            row.getString(1),
                            row.getString(2),
                            row.getString(3),
                            row.getString(4),
                            row.getInt(5),
                            row.getInt(6),
                            row.getLong(7)))
                .list());
  }

  private <T> T use(String what, HandleCallback<T, RuntimeException> work) {
    try {
      return jdbi.withHandle(work);
    } catch (JdbiException e) {
      connections.dropIdle();
      throw new StoreException(
          "could not read or write " + what + " in " + address + ": " + PostgresErrors.describe(e),
          e);
    }
  }
}
