package dev.cairn.server.engine;

import dev.cairn.v1.Event;
import java.util.List;

/**
 * What a trigger led to: the new events (complete but for their global sequence number, which the
 * store assigns) and the state after folding them in.
 *
 * @param events the events, in order; empty when the trigger changes nothing
 * @param state the run's state after the events; the input state when there are none
 */
public record Decision(List<Event> events, RunState state) {
  public Decision {
    events = List.copyOf(events);
  }
}
