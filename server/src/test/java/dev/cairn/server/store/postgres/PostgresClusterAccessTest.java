package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.ClusterAccess.CommandAnswer;
import dev.cairn.server.store.ClusterAccess.NodeService;
import dev.cairn.server.store.ClusterAccess.RunCommand;
import dev.cairn.server.store.TestEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The nodes' side channel on a real database: a command recorded on one node reaches the node
 * holding the run's lease (and only it), with a notification each way; an answer is recorded once;
 * what each node serves is published with its age.
 */
class PostgresClusterAccessTest {
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Duration NO_TICK = Duration.ofMinutes(10);

  @RegisterExtension static final FreshPostgresDatabase postgres = new FreshPostgresDatabase();

  private final TestEvents events = new TestEvents();

  private PostgresEventStore node(String id) {
    return postgres.node(id, LEASE);
  }

  /** What a node's listener heard, in order: "events", "commands", "answered N". */
  private BlockingQueue<String> heard(PostgresEventStore store) throws InterruptedException {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
    postgres.closeAfter(
        store
            .cluster()
            .orElseThrow()
            .listen(
                new ClusterAccess.Signals() {
                  @Override
                  public void eventsCommitted() {
                    heard.add("events");
                  }

                  @Override
                  public void commandsWaiting() {
                    heard.add("commands");
                  }

                  @Override
                  public void commandAnswered(long commandId) {
                    heard.add("answered " + commandId);
                  }

                  // Called once the listener's connection listens: what is committed from then on
                  // is notified.
                  @Override
                  public void tick() {
                    listening.countDown();
                  }
                },
                NO_TICK));
    assertThat(listening.await(20, TimeUnit.SECONDS)).as("listening within 20 s").isTrue();
    return heard;
  }

  private static String next(BlockingQueue<String> heard) throws InterruptedException {
    String signal = heard.poll(20, TimeUnit.SECONDS);
    assertThat(signal).as("a notification within 20 s").isNotNull();
    return signal;
  }

  @Test
  void aCancelRecordedOnOneNodeReachesTheOwnerAndItsAnswerComesBackOnce() throws Exception {
    PostgresEventStore a = node("node-a");
    PostgresEventStore b = node("node-b");
    BlockingQueue<String> onA = heard(a);
    BlockingQueue<String> onB = heard(b);
    ClusterAccess accessA = a.cluster().orElseThrow();
    ClusterAccess accessB = b.cluster().orElseThrow();
    a.append(List.of(events.submitted("run-1", "w")));
    assertThat(next(onA)).isEqualTo("events");
    assertThat(next(onB)).isEqualTo("events");

    long id = accessB.recordCancel("run-1", "node-a", "enough", "tester");
    assertThat(next(onA)).isEqualTo("commands");
    assertThat(accessA.waitingCommands(10))
        .containsExactly(new RunCommand(id, "run-1", "enough", "tester"));
    // Only the owner is given it.
    assertThat(accessB.waitingCommands(10)).isEmpty();
    assertThat(accessB.answerOf(id)).isEmpty();

    assertThat(accessA.answer(id, new CommandAnswer("node-a", 2, ""))).isTrue();
    assertThat(next(onB)).isEqualTo("commands");
    assertThat(next(onB)).isEqualTo("answered " + id);
    assertThat(accessB.answerOf(id)).contains(new CommandAnswer("node-a", 2, ""));
    // A second answer (a withdrawal racing the owner) is refused; the first stands.
    assertThat(accessB.answer(id, new CommandAnswer("node-b", 0, ""))).isFalse();
    assertThat(accessA.answerOf(id)).contains(new CommandAnswer("node-a", 2, ""));
    assertThat(accessA.waitingCommands(10)).isEmpty();
  }

  @Test
  void aCommandForARunThatEndedIsNoOnesAndItsLeaseIsGone() {
    PostgresEventStore a = node("node-a");
    PostgresEventStore b = node("node-b");
    a.append(List.of(events.submitted("run-1", "w")));
    long id = b.cluster().orElseThrow().recordCancel("run-1", "node-a", "", "tester");
    a.append(List.of(events.succeeded("run-1")));

    assertThat(a.cluster().orElseThrow().waitingCommands(10)).isEmpty();
    assertThat(b.cluster().orElseThrow().leaseOf("run-1")).isEmpty();
    assertThat(b.cluster().orElseThrow().answer(id, new CommandAnswer("node-b", 0, ""))).isTrue();
  }

  @Test
  void aRequestIdIsLockedByOneNodeAtATime() throws Exception {
    ClusterAccess a = node("node-a").cluster().orElseThrow();
    ClusterAccess b = node("node-b").cluster().orElseThrow();
    java.util.concurrent.ExecutorService thread =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      AutoCloseable held = a.lockRequest("req-1");
      java.util.concurrent.CompletableFuture<AutoCloseable> waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> b.lockRequest("req-1"), thread);
      // Another request_id is not held up.
      b.lockRequest("req-2").close();
      assertThat(waiting).isNotDone();
      held.close();
      waiting.get(20, TimeUnit.SECONDS).close();
      // Released, it can be taken again at once.
      a.lockRequest("req-1").close();
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void nodesPublishWhatTheyServeWithItsAge() {
    ClusterAccess a = node("node-a").cluster().orElseThrow();
    ClusterAccess b = node("node-b").cluster().orElseThrow();
    a.publish(new NodeService("node-a", a.node().bootId(), "127.0.0.1:7001", "cairn/aa/", 3, 0, 0));
    b.publish(new NodeService("node-b", b.node().bootId(), "127.0.0.1:7002", "cairn/bb/", 1, 0, 0));
    b.publish(new NodeService("node-b", b.node().bootId(), "127.0.0.1:7002", "cairn/bb/", 2, 0, 0));

    List<NodeService> services = a.services();
    assertThat(services)
        .extracting(NodeService::nodeId, NodeService::address, NodeService::markerPrefix)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("node-a", "127.0.0.1:7001", "cairn/aa/"),
            org.assertj.core.groups.Tuple.tuple("node-b", "127.0.0.1:7002", "cairn/bb/"));
    assertThat(services.get(1).liveRuns()).isEqualTo(2);
    assertThat(services).allSatisfy(s -> assertThat(s.ageMillis()).isBetween(0L, 60_000L));
  }
}
