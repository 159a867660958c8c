package dev.cairn.server.engine;

import dev.cairn.v1.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * What a trigger led to: the new events (complete but for their global sequence number, which the
 * store assigns), the state after folding them in, and the effects on processes the decision
 * authorizes.
 *
 * @param events the events, in order; empty when the trigger changes nothing
 * @param state the run's state after the events; the input state when there are none
 * @param effects what the shell must do to processes besides recording the events
 */
public record Decision(List<Event> events, RunState state, List<Effect> effects) {
  public Decision {
    events = List.copyOf(events);
    effects = List.copyOf(effects);
  }

  /** A decision with no effect beyond its events. */
  public Decision(List<Event> events, RunState state) {
    this(events, state, List.of());
  }

  /** The same decision with one more effect. */
  Decision with(Effect effect) {
    List<Effect> more = new ArrayList<>(effects);
    more.add(effect);
    return new Decision(events, state, more);
  }
}
