package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Invariants every log must satisfy, checked over a whole store's events. */
final class History {
  private History() {}

  /** Global seq is 1..N and each run's seq is 1..n, with no gap. */
  static void assertGapFree(List<Event> all) {
    assertThat(all).isNotEmpty();
    Map<String, Long> perRun = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      Event event = all.get(i);
      assertThat(event.getGlobalSeq()).isEqualTo(i + 1);
      long expected = perRun.merge(event.getRunId(), 1L, Long::sum);
      assertThat(event.getRunSeq()).as("run %s", event.getRunId()).isEqualTo(expected);
    }
  }

  /**
   * No step ever has two attempts running at once: an attempt starts only after the previous
   * attempt of the same step has a terminal event.
   */
  static void assertNoOverlappingAttempts(List<Event> all) {
    Map<String, Integer> running = new HashMap<>();
    for (Event event : all) {
      String step;
      int attempt;
      boolean starts;
      switch (event.getPayloadCase()) {
        case STEP_STARTED -> {
          step = event.getStepStarted().getStepId();
          attempt = event.getStepStarted().getAttempt();
          starts = true;
        }
        case STEP_SUCCEEDED -> {
          step = event.getStepSucceeded().getStepId();
          attempt = event.getStepSucceeded().getAttempt();
          starts = false;
        }
        case STEP_FAILED -> {
          step = event.getStepFailed().getStepId();
          attempt = event.getStepFailed().getAttempt();
          starts = false;
        }
        case STEP_CANCELLED -> {
          step = event.getStepCancelled().getStepId();
          attempt = event.getStepCancelled().getAttempt();
          starts = false;
        }
        default -> {
          continue;
        }
      }
      String key = event.getRunId() + "/" + step;
      if (starts) {
        assertThat(running.get(key))
            .as("attempt %d of %s started while another runs", attempt, key)
            .isNull();
        running.put(key, attempt);
      } else if (running.containsKey(key)) {
        assertThat(running.remove(key)).as("attempt that ended, %s", key).isEqualTo(attempt);
      }
    }
  }

  /** The last event of every run is its terminal event, and each run has exactly one. */
  static void assertTerminalLast(List<Event> all) {
    Map<String, Event> last = new HashMap<>();
    Map<String, Integer> terminals = new HashMap<>();
    for (Event event : all) {
      last.put(event.getRunId(), event);
      switch (event.getPayloadCase()) {
        case RUN_SUCCEEDED, RUN_FAILED, RUN_CANCELLED ->
            terminals.merge(event.getRunId(), 1, Integer::sum);
        default -> {}
      }
    }
    for (Map.Entry<String, Event> entry : last.entrySet()) {
      assertThat(terminals.get(entry.getKey()))
          .as("terminal events of %s", entry.getKey())
          .isEqualTo(1);
      assertThat(entry.getValue().getPayloadCase().name()).startsWith("RUN_");
    }
  }
}
