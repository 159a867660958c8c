package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.RunLease;
import dev.cairn.server.store.RunOwnership;
import dev.cairn.server.store.StoreConflictException;
import dev.cairn.server.store.StoreFencedException;
import dev.cairn.server.store.StoreUrl;
import dev.cairn.server.store.TestEvents;
import dev.cairn.v1.Event;
import dev.cairn.v1.StepStarted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one database: each run is written only by the node holding its lease at the epoch it
 * took it with, so a node that lost a run can never write to it again.
 */
class PostgresFencingTest {
  private static final Duration LONG_LEASE = Duration.ofMinutes(5);
  private static final Duration SHORT_LEASE = Duration.ofMillis(300);

  private static PostgresTestDatabases databases;

  private final TestEvents events = new TestEvents();
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final List<PostgresEventStore> opened = new ArrayList<>();
  private StoreUrl url;

  @BeforeAll
  static void connectToTheServerIfGiven() {
    databases = PostgresTestDatabases.ifGiven();
  }

  @AfterAll
  static void dropTheDatabases() {
    if (databases != null) {
      databases.close();
    }
  }

  @BeforeEach
  void createADatabase() {
    PostgresTestDatabases.assumeGiven(databases);
    url = EventStores.parse(databases.create());
  }

  @AfterEach
  void closeEverything() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    opened.forEach(PostgresEventStore::close);
  }

  private PostgresEventStore node(NodeIdentity identity, Duration leaseTime) {
    PostgresEventStore store = PostgresStores.openAsNode(url, identity, leaseTime);
    opened.add(store);
    return store;
  }

  private static RunOwnership ownership(PostgresEventStore store) {
    return store.ownership().orElseThrow();
  }

  @Test
  void nodesRegisterWithAddressAndBootAndARestartReplacesTheBoot() {
    NodeIdentity a = NodeIdentity.booting("node-a", "127.0.0.1:7001");
    PostgresEventStore storeA = node(a, LONG_LEASE);
    node(NodeIdentity.booting("node-b", "127.0.0.1:7002"), LONG_LEASE);

    List<RunOwnership.NodeRecord> nodes = ownership(storeA).nodes();
    assertThat(nodes)
        .extracting(record -> record.identity().nodeId())
        .containsExactly("node-a", "node-b");
    assertThat(nodes.get(0).identity()).isEqualTo(a);
    assertThat(nodes.get(0).heartbeatAgeMillis()).isBetween(0L, 60_000L);

    NodeIdentity aRestarted = NodeIdentity.booting("node-a", "127.0.0.1:7003");
    node(aRestarted, LONG_LEASE);
    assertThat(ownership(storeA).nodes().get(0).identity()).isEqualTo(aRestarted);
  }

  @Test
  void theSubmittingNodeOwnsTheRunAndNoOtherNodeMayWriteToItOrTakeALiveLease() {
    PostgresEventStore a = node(NodeIdentity.booting("node-a", "a:1"), LONG_LEASE);
    PostgresEventStore b = node(NodeIdentity.booting("node-b", "b:1"), LONG_LEASE);
    a.append(List.of(events.submitted("run-1", "w")));
    a.append(List.of(events.stepStarted("run-1", "s")));

    assertThat(ownership(b).leaseOf("run-1"))
        .contains(new RunLease("run-1", "node-a", ownership(a).node().bootId(), 1));
    assertThatThrownBy(() -> b.append(List.of(events.stepStarted("run-1", "t"))))
        .isInstanceOf(StoreFencedException.class)
        .hasMessageContaining("run-1")
        .hasMessageContaining("node-b holds no lease")
        .hasMessageContaining("node node-a holds it at epoch 1");
    assertThat(ownership(b).acquire("run-1")).isEmpty();
    assertThat(ownership(a).renew()).isEmpty();
    // The refused batch wrote nothing, and the owner goes on from where it was.
    assertThat(a.append(List.of(TestEvents.at(events.succeeded("run-1"), 3))))
        .extracting(Event::getGlobalSeq)
        .containsExactly(3L);
    // A finished run has no lease, and none can be taken.
    assertThat(ownership(a).leaseOf("run-1")).isEmpty();
    assertThat(ownership(b).acquire("run-1")).isEmpty();
  }

  @Test
  void aNodeWhoseLeaseWasTakenOverIsRefusedEveryAppendAndLearnsItOnRenewal() throws Exception {
    PostgresEventStore a = node(NodeIdentity.booting("node-a", "a:1"), SHORT_LEASE);
    PostgresEventStore b = node(NodeIdentity.booting("node-b", "b:1"), LONG_LEASE);
    a.append(List.of(events.submitted("run-1", "w"), events.stepStarted("run-1", "s")));

    // node-a stops renewing; node-b takes the run once the lease ran out on the database clock.
    RunLease taken = awaitTakeover(ownership(b), "run-1");
    assertThat(taken).isEqualTo(new RunLease("run-1", "node-b", ownership(b).node().bootId(), 2));

    assertThatThrownBy(() -> a.append(List.of(events.stepStarted("run-1", "late"))))
        .isInstanceOf(StoreFencedException.class)
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("held it at epoch 1")
        .hasMessageContaining("node node-b holds it at epoch 2");
    assertThat(ownership(a).renew()).containsExactly("run-1");
    assertThat(ownership(a).acquire("run-1")).isEmpty();
    // The new owner continues the run from what is committed.
    long next = b.readRun("run-1", 0, 100).size() + 1;
    assertThat(b.append(List.of(TestEvents.at(events.failed("run-1"), next))))
        .extracting(Event::getRunSeq)
        .containsExactly(3L);
    assertThat(a.readAll(0, 100)).extracting(Event::getGlobalSeq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void noAppendOfTheOldOwnerLandsAfterATakeoverWhileItKeepsAppending() throws Exception {
    PostgresEventStore a = node(NodeIdentity.booting("node-a", "a:1"), SHORT_LEASE);
    PostgresEventStore b = node(NodeIdentity.booting("node-b", "b:1"), LONG_LEASE);
    a.append(List.of(events.submitted("run-1", "w")));
    Timestamp time = events.nextTime();

    // node-a appends as fast as it can, without renewing, until it is refused.
    CountDownLatch appending = new CountDownLatch(1);
    Future<Long> lastOfA =
        threads.submit(
            () -> {
              long runSeq = 1;
              while (!Thread.currentThread().isInterrupted()) {
                Event step =
                    Event.newBuilder()
                        .setRunId("run-1")
                        .setRunSeq(runSeq + 1)
                        .setTime(time)
                        .setStepStarted(StepStarted.newBuilder().setStepId("s" + runSeq))
                        .build();
                try {
                  a.append(List.of(step));
                } catch (StoreFencedException fenced) {
                  return runSeq;
                }
                runSeq++;
                appending.countDown();
              }
              throw new AssertionError("node-a was never refused");
            });
    assertThat(appending.await(20, TimeUnit.SECONDS)).isTrue();
    awaitTakeover(ownership(b), "run-1");
    long lastRunSeqOfA = lastOfA.get(20, TimeUnit.SECONDS);

    // What node-a wrote is exactly what the log held when node-b took over: node-b continues it.
    List<Event> run = b.readRun("run-1", 0, 100_000);
    assertThat(run).hasSize((int) lastRunSeqOfA);
    b.append(List.of(TestEvents.at(events.succeeded("run-1"), lastRunSeqOfA + 1)));
    assertThat(b.readAll(0, 100_000))
        .extracting(Event::getGlobalSeq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, lastRunSeqOfA + 1).boxed().toList());
  }

  @Test
  void aRestartedNodeTakesItsRunsBackAtOnceAndItsEarlierBootIsFenced() {
    PostgresEventStore before = node(NodeIdentity.booting("node-a", "a:1"), LONG_LEASE);
    before.append(List.of(events.submitted("run-1", "w")));

    PostgresEventStore after = node(NodeIdentity.booting("node-a", "a:1"), LONG_LEASE);
    Optional<RunLease> retaken = ownership(after).acquire("run-1");
    assertThat(retaken).map(RunLease::epoch).contains(2L);

    assertThatThrownBy(() -> before.append(List.of(events.stepStarted("run-1", "s"))))
        .isInstanceOf(StoreFencedException.class);
    assertThat(ownership(before).renew()).containsExactly("run-1");
    assertThat(after.append(List.of(TestEvents.at(events.stepStarted("run-1", "s"), 2))))
        .hasSize(1);
    assertThat(ownership(after).renew()).isEmpty();
  }

  @Test
  void anOldOwnerBehindTheNewOwnersSequenceIsToldItIsFencedNamingTheRun() throws Exception {
    PostgresEventStore a = node(NodeIdentity.booting("node-a", "a:1"), SHORT_LEASE);
    PostgresEventStore b = node(NodeIdentity.booting("node-b", "b:1"), LONG_LEASE);
    a.append(List.of(events.submitted("run-1", "w"), events.submitted("run-2", "w")));
    assertThat(ownership(b).orphanedRuns(10)).isEmpty();

    // node-a stops renewing: its runs are orphaned, node-b takes one and moves it on.
    awaitTakeover(ownership(b), "run-1");
    assertThat(ownership(b).orphanedRuns(10)).containsExactly("run-2");
    b.append(List.of(TestEvents.at(events.stepStarted("run-1", "s"), 2)));

    // node-a's next event for run-1 has a run_seq node-b already used: it is refused as fenced,
    // with the run named, so that node-a drops it rather than take it for a broken store.
    assertThatThrownBy(() -> a.append(List.of(TestEvents.at(events.stepStarted("run-1", "t"), 2))))
        .isInstanceOfSatisfying(
            StoreFencedException.class, e -> assertThat(e.runIds()).containsExactly("run-1"));
  }

  @Test
  void aRejoiningNodeLetsItsLeasesGoAtOnceSoAnyNodeMayTakeTheRuns() {
    PostgresEventStore a = node(NodeIdentity.booting("node-a", "a:1"), LONG_LEASE);
    PostgresEventStore b = node(NodeIdentity.booting("node-b", "b:1"), LONG_LEASE);
    a.append(List.of(events.submitted("run-1", "w")));
    assertThat(ownership(b).acquire("run-1")).isEmpty();

    ownership(a).rejoin();
    assertThat(ownership(b).orphanedRuns(10)).containsExactly("run-1");
    assertThat(ownership(b).acquire("run-1")).map(RunLease::epoch).contains(2L);
    assertThatThrownBy(() -> a.append(List.of(events.stepStarted("run-1", "s"))))
        .isInstanceOf(StoreFencedException.class);
    assertThat(ownership(a).renew()).isEmpty();
  }

  /** Tries to take the run until its lease has run out, for at most 20 s. */
  private static RunLease awaitTakeover(RunOwnership taker, String runId)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Optional<RunLease> lease = taker.acquire(runId);
      if (lease.isPresent()) {
        return lease.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the lease of " + runId + " never ran out");
  }
}
