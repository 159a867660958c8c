package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.ClusterAccess;
import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.TestEvents;
import dev.cairn.server.store.postgres.FreshPostgresDatabase;
import dev.cairn.server.store.postgres.PostgresEventStore;
import dev.cairn.server.store.postgres.PostgresStores;
import dev.cairn.v1.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watchers of one node see the events every node commits, in global order, through the store tail
 * fed by PostgreSQL's notifications; a watcher resuming on a third node from its last sequence gets
 * every later event once. Three stores opened as three nodes of one real database.
 */
class StoreTailTest {
  private static final Duration LEASE = Duration.ofMinutes(5);

  @RegisterExtension static final FreshPostgresDatabase postgres = new FreshPostgresDatabase();

  private final TestEvents events = new TestEvents();
  private final ScheduledExecutorService streams = Executors.newScheduledThreadPool(2);

  @AfterEach
  void closeEverything() throws Exception {
    streams.shutdownNow();
  }

  /** One node: its store, and a feed whose broadcaster the tail fills from the log. */
  private final class Node {
    final PostgresEventStore store;
    final EventBroadcaster broadcaster = new EventBroadcaster();
    final StoreTail tail;
    final EventFeed feed;

    Node(String id, Duration tick) {
      this(id, tick, true);
    }

    /** With {@code notified} false, the node hears no notification of commits: it polls. */
    Node(String id, Duration tick, boolean notified) {
      store = postgres.node(id, LEASE);
      tail = new StoreTail(store, broadcaster);
      postgres.closeAfter(tail);
      feed = new EventFeed(store, broadcaster, 1 << 20, streams);
      ClusterAccess access = store.cluster().orElseThrow();
      postgres.closeAfter(
          access.listen(
              new ClusterAccess.Signals() {
                @Override
                public void eventsCommitted() {
                  if (notified) {
                    tail.eventsCommitted();
                  }
                }

                @Override
                public void commandsWaiting() {}

                @Override
                public void commandAnswered(long commandId) {}

                @Override
                public void tick() {
                  tail.tick();
                }
              },
              tick));
    }

    Watcher watch(long afterSeq) {
      Watcher watcher = new Watcher();
      feed.watch("", afterSeq, true, watcher).run();
      return watcher;
    }
  }

  @Test
  void aWatcherOnOneNodeSeesEveryNodesEventsInOrderAndResumesOnAnotherWithNoGapOrDuplicate() {
    // A long tick: only the notifications can deliver the events in time.
    Node a = new Node("node-a", Duration.ofMinutes(1));
    Node b = new Node("node-b", Duration.ofMinutes(1));
    Node c = new Node("node-c", Duration.ofMinutes(1));
    Watcher onA = a.watch(0);
    awaitTrue(() -> a.broadcaster.watchers() == 1);

    for (int i = 0; i < 20; i++) {
      Node writer = i % 2 == 0 ? b : c;
      String run = "run-" + i;
      writer.store.append(List.of(events.submitted(run, "w")));
      writer.store.append(List.of(events.stepStarted(run, "build"), events.succeeded(run)));
    }
    awaitTrue(() -> onA.events().size() == 60);
    assertThat(globalSeqs(onA.events())).containsExactlyElementsOf(range(1, 60));

    // The client of A goes away after event 37 and resumes on C while B and A write on.
    Watcher onC = c.watch(37);
    for (int i = 20; i < 30; i++) {
      Node writer = i % 2 == 0 ? a : b;
      String run = "run-" + i;
      writer.store.append(List.of(events.submitted(run, "w")));
      writer.store.append(List.of(events.stepStarted(run, "build"), events.succeeded(run)));
    }
    awaitTrue(() -> onC.events().size() == 90 - 37);
    assertThat(globalSeqs(onC.events())).containsExactlyElementsOf(range(38, 90));
    awaitTrue(() -> onA.events().size() == 90);
    assertThat(globalSeqs(onA.events())).containsExactlyElementsOf(range(1, 90));
    assertThat(onA.done).isNotDone();
  }

  @Test
  void withoutNotificationsTheTickAloneDeliversEveryEvent() {
    Node a = new Node("node-a", Duration.ofMillis(200), false);
    PostgresEventStore b =
        PostgresStores.openAsNode(postgres.url(), NodeIdentity.booting("node-b", "b:1"), LEASE);
    postgres.closeAfter(b);
    Watcher onA = a.watch(0);
    awaitTrue(() -> a.broadcaster.watchers() == 1);
    for (int i = 0; i < 5; i++) {
      b.append(List.of(events.submitted("quiet-" + i, "w")));
    }
    awaitTrue(() -> onA.events().size() == 5);
    assertThat(globalSeqs(onA.events())).containsExactlyElementsOf(range(1, 5));
  }

  private static List<Long> range(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  private static List<Long> globalSeqs(List<Event> events) {
    return events.stream().map(Event::getGlobalSeq).toList();
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited 20 s").isNegative();
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** A client that is always ready. */
  private static final class Watcher implements StreamSink<EncodedEvent> {
    private final List<Event> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> done = new CompletableFuture<>();

    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public void send(EncodedEvent event) {
      events.add(event.parse());
    }

    @Override
    public void complete() {
      done.complete(null);
    }

    @Override
    public void fail(Throwable error) {
      done.complete(error);
    }

    @Override
    public boolean cancelled() {
      return false;
    }

    List<Event> events() {
      return List.copyOf(events);
    }
  }
}
