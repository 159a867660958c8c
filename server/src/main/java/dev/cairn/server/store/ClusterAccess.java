package dev.cairn.server.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the nodes sharing a store tell each other through it, so that any node serves any client:
 * commands for runs another node owns, what each node serves, and signals that wake a node when
 * events were committed or a command waits for it.
 *
 * <p>Signals are hints: a node that missed one (its listening connection broke) finds the same work
 * at its next {@link Signals#tick()}, so the database is the only source of truth.
 */
public interface ClusterAccess {

  /** This node, as it registered. */
  NodeIdentity node();

  /** The run's lease as stored, if it has one: which node owns the run now. */
  Optional<RunLease> leaseOf(String runId);

  /**
   * Starts listening, on a thread and a connection of its own, until the returned handle is closed;
   * a broken connection is opened again.
   *
   * @param tickEvery how often {@link Signals#tick()} is called whatever was heard
   */
  AutoCloseable listen(Signals signals, Duration tickEvery);

  /** What a listening node is told. Each is called on the listening thread and must not block. */
  interface Signals {
    /** Events were committed to the log, by any node. */
    void eventsCommitted();

    /** A command was recorded for a run; it may be this node's. */
    void commandsWaiting();

    /** A command was answered. */
    void commandAnswered(long commandId);

    /** Time passed: look for what a lost signal would have said. */
    void tick();
  }

  /** Records a cancel for a run, naming the node believed to own it; returns the command's id. */
  long recordCancel(String runId, String toNode, String reason, String principal);

  /** Commands not yet answered for runs whose lease this node (this boot) holds, oldest first. */
  List<RunCommand> waitingCommands(int limit);

  /**
   * Answers a command unless it was answered already (by its owner, or withdrawn by the node that
   * recorded it); returns whether this answer is the one recorded.
   */
  boolean answer(long commandId, CommandAnswer answer);

  /** The command's answer, once it has one. */
  Optional<CommandAnswer> answerOf(long commandId);

  /** Deletes commands answered longer ago than the age; returns how many. */
  int forgetAnswered(Duration olderThan);

  /**
   * Takes a lock on a request_id that every node's submits take, blocking until it is free, and
   * holds it until the handle is closed (or the connection is lost): a submit holds it until its
   * RunSubmitted is committed, so that the same request_id sent to two nodes at once makes one run
   * and the other submit finds it.
   */
  AutoCloseable lockRequest(String requestId);

  /** Records what this node serves now, with the database's time. */
  void publish(NodeService service);

  /** What every node last said it serves, with how long ago, by node id. */
  List<NodeService> services();

  /** A command recorded for a run's owner. */
  record RunCommand(long commandId, String runId, String reason, String principal) {}

  /**
   * A command's answer.
   *
   * @param doneBy the node that answered
   * @param status the run's status (a {@code RunStatus} number) when the command was applied
   * @param error one line saying why it was not, else empty
   */
  record CommandAnswer(String doneBy, int status, String error) {}

  /**
   * What one node serves.
   *
   * @param address where clients and other nodes reach it, host:port
   * @param markerPrefix the prefix of the markers of the processes it starts
   * @param liveRuns live runs it held when it said so
   * @param maxLiveRuns the live runs it takes before it places submits elsewhere; 0 for no limit
   * @param ageMillis how long ago it said so, on the database's clock (0 when publishing)
   */
  record NodeService(
      String nodeId,
      String bootId,
      String address,
      String markerPrefix,
      int liveRuns,
      int maxLiveRuns,
      long ageMillis) {}
}
