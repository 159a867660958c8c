package dev.cairn.server.store.postgres;

import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.RunLease;
import dev.cairn.server.store.RunOwnership.NodeRecord;
import dev.cairn.server.store.StoreFencedException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import dev.cairn.v1.RunStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * A store's node: its registration, the leases it holds, and the fence every append of it passes.
 * All statements run on the store's writer, inside a transaction the caller opened and commits; the
 * epochs held change only after a commit ({@link #committed}), so a rolled-back append leaves them
 * as they were.
 */
final class PostgresNode {
  private static final Set<PayloadCase> TERMINAL =
      EnumSet.of(PayloadCase.RUN_SUCCEEDED, PayloadCase.RUN_FAILED, PayloadCase.RUN_CANCELLED);

  private final NodeIdentity identity;
  private final long leaseMillis;

  /** The epoch of every lease this node holds, by run. */
  private final Map<String, Long> held = new ConcurrentHashMap<>();

  PostgresNode(NodeIdentity identity, Duration leaseTime) {
    if (leaseTime.isNegative() || leaseTime.isZero()) {
      throw new IllegalArgumentException("the lease time must be positive, got " + leaseTime);
    }
    this.identity = identity;
    this.leaseMillis = leaseTime.toMillis();
  }

  NodeIdentity identity() {
    return identity;
  }

  /** Records this boot of the node; an earlier boot's registration is replaced. */
  void register(Handle handle) {
    handle
        .createUpdate(
            "INSERT INTO nodes (node_id, address, boot_id, started_at, heartbeat_at)"
                + " VALUES (:node, :address, :boot, now(), now()) ON CONFLICT (node_id) DO UPDATE"
                + " SET address = EXCLUDED.address, boot_id = EXCLUDED.boot_id,"
                + " started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at")
        .bind("node", identity.nodeId())
        .bind("address", identity.address())
        .bind("boot", identity.bootId())
        .execute();
  }

  /**
   * Refuses the batch unless this node holds, at the epoch it took them with, the lease of every
   * run the batch continues; leases the runs the batch submits to this node and drops those the
   * batch ends. Called with the log head locked; the lease rows are share-locked in run order, so a
   * takeover waits for this append to commit and one appending after it sees the new epoch.
   */
  void fence(Handle handle, List<Event> events) {
    Set<String> submitted = new LinkedHashSet<>();
    Set<String> continued = new LinkedHashSet<>();
    Set<String> ended = new LinkedHashSet<>();
    for (Event event : events) {
      if (event.getPayloadCase() == PayloadCase.RUN_SUBMITTED) {
        submitted.add(event.getRunId());
      } else if (!submitted.contains(event.getRunId())) {
        continued.add(event.getRunId());
      }
      if (TERMINAL.contains(event.getPayloadCase())) {
        ended.add(event.getRunId());
      }
    }
    if (!continued.isEmpty()) {
      Map<String, RunLease> leases = new HashMap<>();
      handle
          .createQuery(
              "SELECT run_id, node_id, boot_id, epoch FROM run_leases WHERE run_id IN (<runs>)"
                  + " ORDER BY run_id FOR SHARE")
          .bindList("runs", List.copyOf(continued))
          .map((row, ctx) -> lease(row))
          .forEach(lease -> leases.put(lease.runId(), lease));
      Set<String> notHeld = new LinkedHashSet<>();
      StringBuilder reasons = new StringBuilder();
      for (String runId : continued) {
        String reason = notHeldReason(runId, leases.get(runId));
        if (reason != null) {
          notHeld.add(runId);
          reasons.append(reasons.length() == 0 ? "" : "; ").append(reason);
        }
      }
      if (!notHeld.isEmpty()) {
        throw new StoreFencedException(reasons.toString(), notHeld);
      }
    }
    for (String runId : submitted) {
      handle
          .createUpdate(
              "INSERT INTO run_leases (run_id, node_id, boot_id, epoch, expires_at)"
                  + " VALUES (:run, :node, :boot, 1, now() + :ms * interval '1 millisecond')")
          .bind("run", runId)
          .bind("node", identity.nodeId())
          .bind("boot", identity.bootId())
          .bind("ms", leaseMillis)
          .execute();
    }
    if (!ended.isEmpty()) {
      handle
          .createUpdate("DELETE FROM run_leases WHERE run_id IN (<runs>)")
          .bindList("runs", List.copyOf(ended))
          .execute();
    }
  }

  /** Why this node may not write to the run, or null when it holds it. */
  private String notHeldReason(String runId, RunLease lease) {
    Long epoch = held.get(runId);
    if (lease != null
        && epoch != null
        && lease.epoch() == epoch
        && lease.nodeId().equals(identity.nodeId())
        && lease.bootId().equals(identity.bootId())) {
      return null;
    }
    return "run "
        + runId
        + " is not this node's to write: node "
        + identity.nodeId()
        + (epoch == null ? " holds no lease of it" : " held it at epoch " + epoch)
        + (lease == null
            ? " and no node holds it now"
            : ", now node " + lease.nodeId() + " holds it at epoch " + lease.epoch());
  }

  /** Updates the epochs held after the append's commit. */
  void committed(List<Event> stored) {
    for (Event event : stored) {
      if (event.getPayloadCase() == PayloadCase.RUN_SUBMITTED) {
        held.put(event.getRunId(), 1L);
      } else if (TERMINAL.contains(event.getPayloadCase())) {
        held.remove(event.getRunId());
      }
    }
  }

  /** See {@link dev.cairn.server.store.RunOwnership#acquire}; the caller commits. */
  Optional<RunLease> acquire(Handle handle, String runId) {
    Optional<Integer> status =
        handle
            .createQuery("SELECT status FROM runs WHERE run_id = :run")
            .bind("run", runId)
            .mapTo(Integer.class)
            .findOne();
    if (status.isEmpty()
        || (status.get() != RunStatus.RUN_STATUS_RUNNING_VALUE
            && status.get() != RunStatus.RUN_STATUS_CANCELLING_VALUE)) {
      return Optional.empty();
    }
    return handle
        .createQuery(
            "INSERT INTO run_leases (run_id, node_id, boot_id, epoch, expires_at)"
                + " VALUES (:run, :node, :boot, 1, now() + :ms * interval '1 millisecond')"
                + " ON CONFLICT (run_id) DO UPDATE SET node_id = EXCLUDED.node_id,"
                + " boot_id = EXCLUDED.boot_id, epoch = run_leases.epoch + 1,"
                + " expires_at = EXCLUDED.expires_at"
                + " WHERE run_leases.expires_at <= now() OR (run_leases.node_id = EXCLUDED.node_id"
                + " AND run_leases.boot_id <> EXCLUDED.boot_id)"
                + " RETURNING run_id, node_id, boot_id, epoch")
        .bind("run", runId)
        .bind("node", identity.nodeId())
        .bind("boot", identity.bootId())
        .bind("ms", leaseMillis)
        .map((row, ctx) -> lease(row))
        .findOne();
  }

  /** Notes a lease taken once its transaction committed. */
  void acquired(RunLease lease) {
    held.put(lease.runId(), lease.epoch());
  }

  /**
   * Renews the live leases of this boot and its heartbeat; returns the runs no longer held, and
   * forgets them. The caller commits; a rollback keeps nothing of it but the forgetting, which is
   * right: a node that could not renew must not go on as if it had.
   */
  Set<String> renew(Handle handle) {
    int registered =
        handle
            .createUpdate(
                "UPDATE nodes SET heartbeat_at = now() WHERE node_id = :node AND boot_id = :boot")
            .bind("node", identity.nodeId())
            .bind("boot", identity.bootId())
            .execute();
    Set<String> kept = new HashSet<>();
    if (registered == 1) {
      List<RunLease> renewed =
          handle
              .createQuery(
                  "UPDATE run_leases SET expires_at = now() + :ms * interval '1 millisecond'"
                      + " WHERE run_id IN (SELECT run_id FROM run_leases WHERE node_id = :node"
                      + " AND boot_id = :boot AND expires_at > now() ORDER BY run_id FOR UPDATE)"
                      + " RETURNING run_id, node_id, boot_id, epoch")
              .bind("ms", leaseMillis)
              .bind("node", identity.nodeId())
              .bind("boot", identity.bootId())
              .map((row, ctx) -> lease(row))
              .list();
      for (RunLease lease : renewed) {
        if (lease.epoch() == held.getOrDefault(lease.runId(), -1L)) {
          kept.add(lease.runId());
        }
      }
    }
    Set<String> lost = new HashSet<>(held.keySet());
    lost.removeAll(kept);
    lost.forEach(held::remove);
    return lost;
  }

  /** See {@link dev.cairn.server.store.RunOwnership#orphanedRuns}. */
  static List<String> orphanedRuns(Handle handle, int limit) {
    return handle
        .createQuery(
            "SELECT r.run_id FROM runs r LEFT JOIN run_leases l ON l.run_id = r.run_id"
                + " WHERE r.status IN (:running, :cancelling)"
                + " AND (l.run_id IS NULL OR l.expires_at <= now())"
                + " ORDER BY r.run_id LIMIT :limit")
        .bind("running", RunStatus.RUN_STATUS_RUNNING_VALUE)
        .bind("cancelling", RunStatus.RUN_STATUS_CANCELLING_VALUE)
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  /** See {@link dev.cairn.server.store.RunOwnership#rejoin}; the caller commits. */
  void rejoin(Handle handle) {
    register(handle);
    handle
        .createUpdate(
            "UPDATE run_leases SET expires_at = now() WHERE node_id = :node AND boot_id = :boot")
        .bind("node", identity.nodeId())
        .bind("boot", identity.bootId())
        .execute();
  }

  /** Forgets every lease held, once a rejoin committed. */
  void forgetHeld() {
    held.clear();
  }

  static Optional<RunLease> leaseOf(Handle handle, String runId) {
    return handle
        .createQuery("SELECT run_id, node_id, boot_id, epoch FROM run_leases WHERE run_id = :run")
        .bind("run", runId)
        .map((row, ctx) -> lease(row))
        .findOne();
  }

  static List<NodeRecord> nodes(Handle handle) {
    return handle
        .createQuery(
            "SELECT node_id, address, boot_id,"
                + " (EXTRACT(EPOCH FROM now() - heartbeat_at) * 1000)::BIGINT FROM nodes"
                + " ORDER BY node_id")
        .map(
            (row, ctx) ->
                new NodeRecord(
                    new NodeIdentity(row.getString(1), row.getString(2), row.getString(3)),
                    row.getLong(4)))
        .list();
  }

  private static RunLease lease(ResultSet row) throws SQLException {
    return new RunLease(row.getString(1), row.getString(2), row.getString(3), row.getLong(4));
  }
}
