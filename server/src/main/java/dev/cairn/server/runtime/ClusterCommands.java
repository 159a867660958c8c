package dev.cairn.server.runtime;

import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.ClusterAccess.CommandAnswer;
import dev.cairn.server.store.ClusterAccess.RunCommand;
import dev.cairn.server.store.RunLease;
import dev.cairn.v1.RunStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Cancels reach the node that owns the run through the database: a node asked to cancel a run
 * another node owns records the command ({@link ClusterAccess#recordCancel}, which notifies), the
 * owner applies it through its engine's normal path and records the answer (which notifies back),
 * and the call is answered with it, so it returns once RunCancelRequested is durable, as on one
 * server.
 *
 * <p>The owner is whoever holds the run's lease when it looks, so a command outlives a takeover. A
 * command no node can take because the run has no owner any more (it ended meanwhile) is withdrawn
 * by the node that recorded it, which then answers as one server does for a run it does not run:
 * with the run's status. A command the owner does not take within the answer time is left recorded,
 * for the owner to apply when it can, and the call fails with UNAVAILABLE naming the owner.
 *
 * <p>All database work happens on one thread of its own, never on a transport thread or the
 * engine's; signals only queue work for it.
 */
public final class ClusterCommands implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ClusterCommands.class);

  /** Commands an owner takes per look. */
  private static final int BATCH = 100;

  /** How long answered commands are kept, for an operator's look. */
  private static final Duration KEEP_ANSWERED = Duration.ofHours(1);

  private final ClusterAccess cluster;
  private final Engine engine;
  private final Duration answerTime;
  private final ExecutorService worker;
  private final Map<Long, Waiter> waiters = new ConcurrentHashMap<>();
  private final Set<Long> applying = ConcurrentHashMap.newKeySet();
  private long lastForget = System.nanoTime();

  /**
   * @param answerTime how long a call waits for the owner's answer before UNAVAILABLE
   */
  public ClusterCommands(ClusterAccess cluster, Engine engine, Duration answerTime) {
    this.cluster = cluster;
    this.engine = engine;
    this.answerTime = answerTime;
    this.worker =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cairn-cluster-commands");
              thread.setDaemon(true);
              return thread;
            });
  }

  private record Waiter(
      long commandId,
      String runId,
      String owner,
      long deadline,
      CompletableFuture<RunStatus> future,
      String reason,
      String principal) {}

  /**
   * Cancels the run wherever it runs; completes with the run's status once the owner recorded
   * RunCancelRequested (or, for a run no node owns, with its status as it is).
   */
  public CompletableFuture<RunStatus> cancel(String runId, String reason, String principal) {
    CompletableFuture<RunStatus> future = new CompletableFuture<>();
    run(
        future,
        () -> {
          Optional<RunLease> lease = cluster.leaseOf(runId);
          if (lease.isEmpty() || ownedHere(lease.get())) {
            forward(engine.cancel(runId, reason, principal), future);
            return;
          }
          String owner = lease.get().nodeId();
          long id = cluster.recordCancel(runId, owner, reason, principal);
          waiters.put(
              id,
              new Waiter(
                  id,
                  runId,
                  owner,
                  System.nanoTime() + answerTime.toNanos(),
                  future,
                  reason,
                  principal));
          // The answer may have come before the waiter was there to hear it.
          settle(id);
        });
    return future;
  }

  /** A command was recorded: this node may own its run. Never blocks. */
  public void commandsWaiting() {
    run(null, this::applyWaiting);
  }

  /** A command was answered: its caller may wait here. Never blocks. */
  public void commandAnswered(long commandId) {
    if (waiters.containsKey(commandId)) {
      run(null, () -> settle(commandId));
    }
  }

  /** Looks for what a lost notification would have said, and gives up on overdue answers. */
  public void tick() {
    run(
        null,
        () -> {
          applyWaiting();
          for (Long id : waiters.keySet()) {
            settle(id);
          }
          if (System.nanoTime() - lastForget > KEEP_ANSWERED.toNanos() / 4) {
            lastForget = System.nanoTime();
            cluster.forgetAnswered(KEEP_ANSWERED);
          }
        });
  }

  private boolean ownedHere(RunLease lease) {
    return lease.nodeId().equals(cluster.node().nodeId())
        && lease.bootId().equals(cluster.node().bootId());
  }

  /** The owner's side: applies the commands for runs this node holds, each once. */
  private void applyWaiting() {
    for (RunCommand command : cluster.waitingCommands(BATCH)) {
      if (!applying.add(command.commandId())) {
        continue;
      }
      engine
          .cancel(command.runId(), command.reason(), command.principal())
          .whenComplete(
              (status, error) ->
                  run(
                      null,
                      () -> {
                        try {
                          cluster.answer(
                              command.commandId(),
                              error == null
                                  ? new CommandAnswer(
                                      cluster.node().nodeId(), status.getNumber(), "")
                                  : new CommandAnswer(cluster.node().nodeId(), 0, oneLine(error)));
                        } finally {
                          applying.remove(command.commandId());
                        }
                      }));
    }
  }

  /** The caller's side: answers the call once the command is answered, or withdrawn, or late. */
  private void settle(long commandId) {
    Waiter waiter = waiters.get(commandId);
    if (waiter == null) {
      return;
    }
    Optional<CommandAnswer> answer = cluster.answerOf(commandId);
    if (answer.isPresent()) {
      waiters.remove(commandId);
      CommandAnswer given = answer.get();
      if (!given.error().isEmpty()) {
        waiter
            .future()
            .completeExceptionally(
                new NodeUnavailableException(
                    "node "
                        + given.doneBy()
                        + " could not cancel run "
                        + waiter.runId()
                        + ": "
                        + given.error()));
      } else if (given.doneBy().equals(cluster.node().nodeId()) && given.status() == 0) {
        // Withdrawn here: answered below, when it was withdrawn.
      } else {
        waiter.future().complete(RunStatus.forNumber(given.status()));
      }
      return;
    }
    if (cluster.leaseOf(waiter.runId()).isEmpty()) {
      // No node owns the run any more: it ended, so no owner will take the command.
      if (cluster.answer(commandId, new CommandAnswer(cluster.node().nodeId(), 0, ""))) {
        waiters.remove(commandId);
        forward(
            engine.cancel(waiter.runId(), waiter.reason(), waiter.principal()), waiter.future());
      } else {
        settle(commandId);
      }
      return;
    }
    if (System.nanoTime() - waiter.deadline() > 0) {
      waiters.remove(commandId);
      waiter
          .future()
          .completeExceptionally(
              new NodeUnavailableException(
                  "node "
                      + waiter.owner()
                      + " owns run "
                      + waiter.runId()
                      + " and did not take the cancel within "
                      + answerTime.toSeconds()
                      + " s; the cancel stays recorded and the run's owner applies it when it can"));
    }
  }

  private void run(CompletableFuture<?> future, Runnable work) {
    try {
      worker.execute(
          () -> {
            try {
              work.run();
            } catch (RuntimeException e) {
              if (future != null) {
                future.completeExceptionally(e);
              } else {
                LOG.warnf("a cluster command step failed: %s", e.getMessage());
              }
            }
          });
    } catch (RejectedExecutionException stopping) {
      if (future != null) {
        future.completeExceptionally(new EngineStoppedException());
      }
    }
  }

  private static <T> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete(
        (value, error) -> {
          if (error != null) {
            to.completeExceptionally(error);
          } else {
            to.complete(value);
          }
        });
  }

  private static String oneLine(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && (cause instanceof CompletionException)) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /** Stops taking work; calls still waiting fail with UNAVAILABLE. */
  @Override
  public void close() {
    worker.shutdownNow();
    for (Waiter waiter : waiters.values()) {
      waiter.future().completeExceptionally(new EngineStoppedException());
    }
    waiters.clear();
  }
}
