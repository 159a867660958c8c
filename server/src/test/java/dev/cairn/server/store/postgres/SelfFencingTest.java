package dev.cairn.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.runtime.LeaseKeeper;
import dev.cairn.server.store.RunLease;
import dev.cairn.server.store.RunOwnership;
import dev.cairn.server.store.TestEvents;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease keeper on a real database: renewals keep a node's runs its own, and a node that cannot
 * renew is told to stop its runs while its leases still hold, before any other node can take them.
 */
class SelfFencingTest {
  private static final Duration LEASE = Duration.ofMillis(900);
  private static final Duration MARGIN = Duration.ofMillis(400);

  @RegisterExtension static final FreshPostgresDatabase postgres = new FreshPostgresDatabase();

  private final TestEvents events = new TestEvents();

  private PostgresEventStore node(String nodeId) {
    return postgres.node(nodeId, LEASE);
  }

  private LeaseKeeper keeper(PostgresEventStore store, Listener listener) {
    LeaseKeeper keeper =
        new LeaseKeeper(store.ownership().orElseThrow(), LEASE, MARGIN, System::nanoTime, listener);
    postgres.closeAfter(keeper);
    return keeper;
  }

  @Test
  void renewalsKeepTheRunsOfALiveNodeFromEveryOtherNode() throws InterruptedException {
    PostgresEventStore a = node("node-a");
    RunOwnership b = node("node-b").ownership().orElseThrow();
    a.append(List.of(events.submitted("run-1", "w")));
    Listener listener = new Listener(null);
    keeper(a, listener);

    // Three lease times: without the keeper the lease would have run out twice over.
    long end = System.nanoTime() + 3 * LEASE.toNanos();
    while (System.nanoTime() < end) {
      assertThat(b.acquire("run-1")).isEmpty();
      Thread.sleep(50);
    }
    assertThat(listener.lost).isNotDone();
    assertThat(listener.mustStop).isNotDone();
  }

  @Test
  void aNodeThatCannotRenewIsToldToStopWhileItsLeaseStillHolds() throws Exception {
    PostgresEventStore a = node("node-a");
    RunOwnership b = node("node-b").ownership().orElseThrow();
    a.append(List.of(events.submitted("run-1", "w")));
    // What the node must do when told to stop is checked from the other node's side, at once.
    Listener listener = new Listener(() -> b.acquire("run-1"));
    LeaseKeeper keeper = keeper(a, listener);
    awaitRenewal(keeper);

    // The node loses its database: every renewal now fails.
    a.close();

    String reason = listener.mustStop.get(10, TimeUnit.SECONDS);
    assertThat(reason).contains("node-a could not renew its run leases");
    assertThat(listener.takenWhenToldToStop.get(10, TimeUnit.SECONDS))
        .as("no other node can take the run when its owner is told to stop")
        .isEmpty();
    // Once the lease ran out on the database, another node takes the run over.
    Optional<RunLease> taken = Optional.empty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (taken.isEmpty() && System.nanoTime() < deadline) {
      taken = b.acquire("run-1");
      Thread.sleep(20);
    }
    assertThat(taken).map(RunLease::epoch).contains(2L);
  }

  @Test
  void runsANewerBootTookAreReportedLost() throws Exception {
    PostgresEventStore before = node("node-a");
    before.append(List.of(events.submitted("run-1", "w")));
    Listener listener = new Listener(null);
    keeper(before, listener);

    node("node-a");

    assertThat(listener.lost.get(10, TimeUnit.SECONDS)).containsExactly("run-1");
  }

  private static void awaitRenewal(LeaseKeeper keeper) throws InterruptedException {
    long first = keeper.stopDeadline();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (keeper.stopDeadline() == first && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(keeper.stopDeadline()).isGreaterThan(first);
  }

  /** Records what the keeper said, and runs a check when told to stop. */
  private static final class Listener implements LeaseKeeper.Listener {
    final CompletableFuture<Set<String>> lost = new CompletableFuture<>();
    final CompletableFuture<String> mustStop = new CompletableFuture<>();
    final CompletableFuture<Optional<RunLease>> takenWhenToldToStop = new CompletableFuture<>();
    private final java.util.function.Supplier<Optional<RunLease>> onStop;

    Listener(java.util.function.Supplier<Optional<RunLease>> onStop) {
      this.onStop = onStop;
    }

    @Override
    public void lost(Set<String> runIds) {
      lost.complete(Set.copyOf(runIds));
    }

    @Override
    public void mustStop(String reason) {
      if (onStop != null) {
        try {
          takenWhenToldToStop.complete(onStop.get());
        } catch (RuntimeException e) {
          takenWhenToldToStop.completeExceptionally(e);
        }
      }
      mustStop.complete(reason);
    }
  }
}
