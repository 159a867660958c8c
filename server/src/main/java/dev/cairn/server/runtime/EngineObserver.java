package dev.cairn.server.runtime;

import dev.cairn.v1.Event;
import java.util.List;

/**
 * What the engine tells the server's metrics and logs, on the engine thread: implementations must
 * be quick and must not throw (what they throw is logged and dropped).
 */
public interface EngineObserver {
  /** Does nothing: the engine's observer until the server sets one. */
  EngineObserver NONE = new EngineObserver() {};

  /**
   * A batch of events is durable, in commit order: {@code nanos} is the time the store's append
   * (one transaction, one fsync) took.
   */
  default void committed(List<Event> events, long nanos) {}

  /** An attempt's process started {@code nanos} after the engine asked for it. */
  default void spawned(long nanos) {}

  /** Tells each of {@code observers}, in order. */
  static EngineObserver all(EngineObserver... observers) {
    List<EngineObserver> each = List.of(observers);
    return new EngineObserver() {
      @Override
      public void committed(List<Event> events, long nanos) {
        each.forEach(observer -> observer.committed(events, nanos));
      }

      @Override
      public void spawned(long nanos) {
        each.forEach(observer -> observer.spawned(nanos));
      }
    };
  }
}
