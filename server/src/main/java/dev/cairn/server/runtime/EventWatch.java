package dev.cairn.server.runtime;

import dev.cairn.server.store.EncodedEvent;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.LogHorizon;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One WatchEvents stream, driven in passes (see {@link StreamPump}): each pass sends while the
 * client is ready and returns as soon as it would have to wait, for the client or for new events.
 *
 * <p>The stream reads the store until it reaches its head, then takes live events from its
 * subscription; when the subscription is paused (its buffer overflowed) it reads the store again.
 * Between passes it holds at most its subscription's bounded buffer: a page read from the store is
 * sent while the client is ready and what is left of it is dropped, to be read again later.
 */
final class EventWatch {
  /** Events one pass sends at most before it lets other streams have the thread. */
  private static final int PASS_EVENTS = 512;

  /** Bytes a page should hold, from which the next page's length follows. */
  private static final long PAGE_TARGET_BYTES = 1L << 20;

  private final EventStore store;
  private final EventBroadcaster broadcaster;
  private final String runId;
  private final boolean oneRun;
  private final boolean follow;
  private final int maxPage;
  private final StreamSink<EncodedEvent> sink;
  private final StreamPump pump;
  private EventBroadcaster.Subscription live;
  private long last;
  private int page;
  private int sentThisPass;
  private boolean started;
  private boolean fromStore = true;
  private boolean finished;

  EventWatch(
      EventStore store,
      EventBroadcaster broadcaster,
      String runId,
      long afterSeq,
      boolean follow,
      int maxPage,
      StreamSink<EncodedEvent> sink,
      Executor executor) {
    this.store = store;
    this.broadcaster = broadcaster;
    this.runId = runId;
    this.oneRun = !runId.isEmpty();
    this.follow = follow;
    this.maxPage = maxPage;
    this.page = maxPage;
    this.last = afterSeq;
    this.sink = sink;
    this.pump = new StreamPump(executor, this::pass);
  }

  void wake() {
    pump.wake();
  }

  private void pass() {
    if (finished) {
      return;
    }
    sendPass();
    if (!finished) {
      // What the sink gathered into a batch goes out before the stream waits: nothing sent stays
      // held between passes.
      sink.flush();
    }
  }

  private void sendPass() {
    try {
      if (sink.cancelled()) {
        finish();
        return;
      }
      if (!started) {
        start();
      }
      if (live != null && live.stalled()) {
        // Checked whether or not the client is ready: a stalled client is the usual case.
        throw new WatcherTooSlowException(last, broadcaster.stallBytes());
      }
      sentThisPass = 0;
      boolean more = true;
      while (more && !finished && sink.ready()) {
        if (sentThisPass >= PASS_EVENTS) {
          pump.yieldTurn();
          return;
        }
        more = fromStore ? readPage() : takeLive();
      }
    } catch (RuntimeException e) {
      finish();
      sink.fail(e);
    } catch (Error e) {
      // Close the call before the error ends this task, or the client waits for ever.
      finish();
      sink.fail(e);
      throw e;
    }
  }

  private void start() {
    if (oneRun && store.findRun(runId).isEmpty()) {
      throw RunQueries.notFound(store, runId);
    }
    if (!oneRun) {
      LogHorizon horizon = store.logHorizon();
      if (horizon.refuses(last)) {
        throw new EventsRemovedException(last, horizon.earliestResume());
      }
    }
    if (follow) {
      live = broadcaster.subscribe(runId, this::wake);
    }
    started = true;
  }

  /** Sends one page from the store; false when the stream must wait or has ended. */
  private boolean readPage() {
    int limit = page;
    // Read as the stored bytes, which are sent as they are: parsing each event to serialize it
    // again was most of what a catch-up cost the server.
    List<EncodedEvent> events =
        oneRun ? store.readRunEncoded(runId, last, limit) : store.readAllEncoded(last, limit);
    long largest = 1;
    for (EncodedEvent event : events) {
      if (!sink.ready()) {
        // The rest is read again once the client is ready: nothing is held while it is not.
        return false;
      }
      largest = Math.max(largest, event.bytes().length);
      send(event);
      if (oneRun && event.endsRun()) {
        complete();
        return false;
      }
    }
    page = (int) Math.max(1, Math.min(maxPage, PAGE_TARGET_BYTES / largest));
    if (events.size() == limit) {
      return true;
    }
    // At the head of the store.
    if (!follow) {
      complete();
      return false;
    }
    if (live.resume()) {
      // Events committed before the resume may have been missed by the queue: read once more.
      return true;
    }
    if (oneRun && runEnded()) {
      // The run ended, perhaps after the page above was read: whatever it committed since is in
      // the store, so read on until nothing is left after what was sent, then end.
      if (!store.readRun(runId, last, 1).isEmpty()) {
        return true;
      }
      complete();
      return false;
    }
    fromStore = false;
    return true;
  }

  /** Sends one live event; false when the stream must wait or has ended. */
  private boolean takeLive() {
    Event event = live.poll();
    if (event == null) {
      if (live.paused()) {
        fromStore = true;
        return true;
      }
      if (live.ended()) {
        throw new EngineStoppedException();
      }
      return false;
    }
    long seq = seq(event);
    if (seq > last && seq != last + 1) {
      // Not expected, since an overflow pauses the queue, but the store fills any gap.
      fromStore = true;
      return true;
    }
    if (seq > last) {
      send(EncodedEvent.of(event));
    }
    // A terminal event at or before after_seq ends the stream too: nothing follows it.
    if (oneRun && EventFeed.endsRun(event)) {
      complete();
      return false;
    }
    return true;
  }

  private void send(EncodedEvent event) {
    sink.send(event);
    sentThisPass++;
    last = oneRun ? event.runSeq() : event.globalSeq();
    if (fromStore && live != null) {
      // Taking a live event says the same; an event from the store must say it here.
      live.taken();
    }
  }

  private boolean runEnded() {
    return store
        .findRun(runId)
        .map(
            run ->
                run.getStatus() == RunStatus.RUN_STATUS_SUCCEEDED
                    || run.getStatus() == RunStatus.RUN_STATUS_FAILED
                    || run.getStatus() == RunStatus.RUN_STATUS_CANCELLED)
        .orElse(false);
  }

  private long seq(Event event) {
    return oneRun ? event.getRunSeq() : event.getGlobalSeq();
  }

  private void complete() {
    finish();
    sink.complete();
  }

  private void finish() {
    finished = true;
    if (live != null) {
      live.close();
    }
  }
}
