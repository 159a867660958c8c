package dev.cairn.server.engine;

import dev.cairn.v1.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Accumulates the events of one decision and folds each into the state as it is emitted, so later
 * rules of the same decision see the effect of earlier ones.
 */
final class Emitter {
  private final String runId;
  private final Instant now;
  private final Set<String> launching;
  private final List<Event> events = new ArrayList<>();
  private RunState state;

  Emitter(String runId, RunState state, Instant now, Set<String> launching) {
    this.runId = runId;
    this.state = state;
    this.now = now;
    this.launching = launching;
  }

  /** Whether the step's next attempt is being launched: its process may exist, unrecorded. */
  boolean launching(String stepId) {
    return launching.contains(stepId);
  }

  RunState state() {
    return state;
  }

  Instant now() {
    return now;
  }

  void emit(Consumer<Event.Builder> payload) {
    Event.Builder builder =
        Event.newBuilder()
            .setRunId(runId)
            .setRunSeq(state == null ? 1 : state.lastSeq() + 1)
            .setTime(Times.timestamp(now));
    payload.accept(builder);
    Event event = builder.build();
    state = Evolver.evolve(state, event);
    events.add(event);
  }

  Decision decision() {
    return new Decision(events, state);
  }
}
