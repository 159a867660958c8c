package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A WatchEvents of every run, followed, collecting what it is sent. */
final class AllEventsWatcher
    implements ClientResponseObserver<WatchEventsRequest, WatchEventsResponse> {
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Throwable> done = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<WatchEventsRequest> call;

  static AllEventsWatcher start(ServerProcess server, long afterSeq) {
    AllEventsWatcher watcher = new AllEventsWatcher();
    server
        .asyncStub()
        .watchEvents(
            WatchEventsRequest.newBuilder().setAfterSeq(afterSeq).setFollow(true).build(), watcher);
    return watcher;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
    call = requestStream;
  }

  @Override
  public void onNext(WatchEventsResponse value) {
    events.add(value.getEvent());
  }

  @Override
  public void onError(Throwable t) {
    done.complete(t);
  }

  @Override
  public void onCompleted() {
    done.complete(null);
  }

  /** Waits until each of {@code runs} has ended on this watch; fails at once if the watch ends. */
  void awaitEnded(Set<String> runs, java.time.Duration timeout) {
    java.time.Instant deadline = java.time.Instant.now().plus(timeout);
    while (!ended(runs)) {
      assertThat(java.time.Instant.now()).as("waited " + timeout).isBefore(deadline);
      ServerProcess.pause(20);
    }
  }

  private boolean ended(Set<String> runs) {
    assertThat(done).as("the watch is still open").isNotDone();
    Set<String> ended = new HashSet<>();
    for (Event event : events) {
      if (event.hasRunSucceeded() || event.hasRunFailed() || event.hasRunCancelled()) {
        ended.add(event.getRunId());
      }
    }
    return ended.containsAll(runs);
  }

  long lastSeq() {
    return events.get(events.size() - 1).getGlobalSeq();
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Long> seqs() {
    return events.stream().map(Event::getGlobalSeq).toList();
  }

  void cancel() {
    call.cancel("done watching", null);
  }
}
