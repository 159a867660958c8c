package dev.cairn.server.api;

import dev.cairn.server.runtime.AttemptHosts;
import dev.cairn.server.runtime.ClusterCommands;
import dev.cairn.server.runtime.Engine;
import dev.cairn.server.runtime.EngineStoppedException;
import dev.cairn.server.runtime.EventBroadcaster;
import dev.cairn.server.runtime.OutputReader;
import dev.cairn.server.runtime.RunQueries;
import dev.cairn.server.runtime.StoreTail;
import dev.cairn.server.runtime.StreamSink;
import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.ClusterAccess.NodeService;
import dev.cairn.server.store.EventStore;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The other nodes, as this server reaches them when several share one PostgreSQL database, so that
 * it serves any client whatever node owns the run (ownership itself, leases and takeovers, is
 * {@link dev.cairn.server.runtime.ClusterNode}): watchers are fed from the shared log ({@link
 * StoreTail}), cancels reach the owner through the database ({@link ClusterCommands}), and
 * StreamLogs is relayed to the node that ran the attempt ({@link NodeClient}). Absent on a store
 * one server owns alone.
 */
final class ClusterPeers implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ClusterPeers.class);

  /** How often the listener looks at the database whatever it heard: the polling fallback. */
  static final Duration TICK = Duration.ofMillis(250);

  /** How often the node says what it serves. */
  static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

  /** A node not heard of for this long counts as down for StreamLogs. */
  static final Duration STALE_AFTER = Duration.ofSeconds(10);

  /** How long a cancel waits for the owner's answer. */
  static final Duration ANSWER_TIME = Duration.ofSeconds(10);

  private final ClusterAccess access;
  private final StoreTail tail;
  private final ClusterCommands commands;
  private final AttemptHosts hosts;
  private final NodeClient remote;
  private final int maxLiveRuns;
  private volatile List<NodeService> nodes = List.of();
  private final String markerPrefix;
  private final ScheduledExecutorService publisher;
  private AutoCloseable listening;

  ClusterPeers(
      ClusterAccess access,
      EventStore store,
      EventBroadcaster feed,
      Engine engine,
      String markerPrefix,
      Vertx vertx,
      String token,
      Optional<Path> trust,
      Executor streams,
      int maxLiveRuns) {
    this.maxLiveRuns = maxLiveRuns;
    this.access = access;
    this.markerPrefix = markerPrefix;
    this.tail = new StoreTail(store, feed);
    this.commands = new ClusterCommands(access, engine, ANSWER_TIME);
    this.hosts = new AttemptHosts(new RunQueries(store), access, markerPrefix, STALE_AFTER);
    this.remote = new NodeClient(vertx, token, trust, streams);
    this.publisher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cairn-node-publisher");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts listening for commits and commands. */
  void listen() {
    listening =
        access.listen(
            new ClusterAccess.Signals() {
              @Override
              public void eventsCommitted() {
                tail.eventsCommitted();
              }

              @Override
              public void commandsWaiting() {
                commands.commandsWaiting();
              }

              @Override
              public void commandAnswered(long commandId) {
                commands.commandAnswered(commandId);
              }

              @Override
              public void tick() {
                tail.tick();
                commands.tick();
              }
            },
            TICK);
  }

  /**
   * The port is bound: says where this node serves, and how loaded it is, every second, and reads
   * what the others said, for placing submits.
   */
  void serving(String address, IntSupplier liveRuns) {
    publisher.scheduleWithFixedDelay(
        () -> {
          try {
            access.publish(
                new NodeService(
                    access.node().nodeId(),
                    access.node().bootId(),
                    address,
                    markerPrefix,
                    liveRuns.getAsInt(),
                    maxLiveRuns,
                    0));
            nodes = access.services();
          } catch (RuntimeException e) {
            LOG.warnf("could not say what this node serves: %s", e.getMessage());
          }
        },
        0,
        PUBLISH_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Places a submit on another node when this one is at its live-run limit (see {@link
   * PlacedSubmits}): the other node's answer, or empty to keep it here. Never blocks.
   */
  Optional<CompletableFuture<SubmitRunResponse>> place(SubmitRunRequest request, int liveRuns) {
    return PlacedSubmits.elsewhere(
            maxLiveRuns, liveRuns, access.node().nodeId(), nodes, STALE_AFTER)
        .map(node -> remote.submit(node.nodeId(), node.address(), request));
  }

  /**
   * Runs a submit or rerun carrying a request_id under that request_id's lock across the nodes,
   * held until the engine's answer (its RunSubmitted durable), so that the same request_id sent to
   * two nodes at once is one run. The lock is taken and released on {@code queries}, never on the
   * transport's or the engine's thread.
   */
  <T> CompletableFuture<T> oneRunPerRequest(
      String requestId, Supplier<CompletableFuture<T>> submit, Executor queries) {
    if (requestId.isEmpty()) {
      return submit.get();
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    try {
      queries.execute(
          () -> {
            AutoCloseable lock;
            try {
              lock = access.lockRequest(requestId);
            } catch (RuntimeException e) {
              answer.completeExceptionally(e);
              return;
            }
            CompletableFuture<T> submitted;
            try {
              submitted = submit.get();
            } catch (RuntimeException e) {
              release(lock);
              answer.completeExceptionally(e);
              return;
            }
            submitted.whenCompleteAsync(
                (value, error) -> {
                  release(lock);
                  if (error != null) {
                    answer.completeExceptionally(error);
                  } else {
                    answer.complete(value);
                  }
                },
                queries);
          });
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(new EngineStoppedException());
    }
    return answer;
  }

  private static void release(AutoCloseable lock) {
    try {
      lock.close();
    } catch (Exception e) {
      LOG.warnf("could not release a request_id lock (its session ends with it): %s", e);
    }
  }

  ClusterCommands commands() {
    return commands;
  }

  /**
   * StreamLogs from wherever the attempt ran: once it has started (a followed stream waits for
   * that), its node is looked up on the first pass (on {@code streams}, which may read the store),
   * then the stream is served here or relayed there.
   */
  Runnable streamLogs(
      StreamLogsRequest request,
      StreamSink<OutputReader.Chunk> sink,
      OutputReader output,
      Executor streams) {
    return output.whenStarted(
        request.getRunId(),
        request.getStepId(),
        request.getAttempt(),
        request.getFollow(),
        sink,
        () -> routed(request, sink, output, streams));
  }

  private Runnable routed(
      StreamLogsRequest request,
      StreamSink<OutputReader.Chunk> sink,
      OutputReader output,
      Executor streams) {
    AtomicReference<Runnable> routed = new AtomicReference<>();
    AtomicBoolean routing = new AtomicBoolean();
    return () -> {
      Runnable stream = routed.get();
      if (stream != null) {
        stream.run();
        return;
      }
      if (!routing.compareAndSet(false, true)) {
        return;
      }
      try {
        streams.execute(
            () -> {
              Runnable chosen;
              try {
                Optional<NodeService> host =
                    hosts.remoteHost(request.getRunId(), request.getStepId(), request.getAttempt());
                chosen =
                    host.isPresent()
                        ? remote.stream(host.get().nodeId(), host.get().address(), request, sink)
                        : output.stream(
                            request.getRunId(),
                            request.getStepId(),
                            request.getAttempt(),
                            request.getOffset(),
                            request.getFollow(),
                            sink);
              } catch (RuntimeException e) {
                sink.fail(e);
                chosen = () -> {};
              }
              routed.set(chosen);
              chosen.run();
            });
      } catch (RejectedExecutionException stopping) {
        sink.fail(new EngineStoppedException());
      }
    };
  }

  /**
   * Stops taking commands for this node's runs, before the engine closes; calls waiting for another
   * node's answer end with UNAVAILABLE.
   */
  void stopCommands() {
    publisher.shutdownNow();
    commands.close();
  }

  /**
   * Stops listening, after the engine closed: the tail publishes the engine's last events to this
   * node's watchers first.
   */
  @Override
  public void close() {
    stopCommands();
    if (listening != null) {
      try {
        listening.close();
      } catch (Exception e) {
        LOG.debugf("closing the cluster listener: %s", e);
      }
    }
    tail.close();
    remote.close();
  }
}
