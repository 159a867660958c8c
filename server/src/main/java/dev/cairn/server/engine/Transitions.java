package dev.cairn.server.engine;

import static dev.cairn.v1.StepStatus.STEP_STATUS_FAILED;
import static dev.cairn.v1.StepStatus.STEP_STATUS_PENDING;
import static dev.cairn.v1.StepStatus.STEP_STATUS_RETRY_WAIT;
import static dev.cairn.v1.StepStatus.STEP_STATUS_RUNNING;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal transitions of steps and runs, as tables: which event may apply to a step or a run in
 * which status, and which attempt number it must name. {@link Evolver} checks every event against
 * them, so an illegal history fails its fold with the event and the state named, and {@link
 * Decider} asks them before it decides a start.
 *
 * <pre>
 *                      StepStarted(n+1)            StepSucceeded(n)
 *   PENDING ─────────────────────────────► RUNNING(n) ───────────────► SUCCEEDED
 *     │  ▲                                   │  ▲ │ StepTimedOut(n)
 *     │  └── (RETRY_WAIT, StepStarted(n+1)) ─┘  └─┘
 *     │                                      │ StepFailed(n)
 *     │ StepFailed(n+1): spawn error         ▼
 *     └──────────────────────────────────► FAILED ── StepRetryScheduled(n+1) ──► RETRY_WAIT
 *   PENDING ── StepSkipped ──► SKIPPED
 *   PENDING | RETRY_WAIT | RUNNING(n) ── StepCancelled ──► CANCELLED
 *
 *   RUNNING ── RunCancelRequested ──► CANCELLING
 *   RUNNING ── RunTimedOut ──► RUNNING (timed out: stops like a cancel, ends FAILED)
 *   RUNNING ── RunSucceeded | RunFailed ──► SUCCEEDED | FAILED      (every step terminal)
 *   CANCELLING ── RunCancelled ──► CANCELLED                        (every step terminal)
 * </pre>
 */
public final class Transitions {
  private static final Map<Event.PayloadCase, Set<StepStatus>> STEP_FROM =
      new EnumMap<>(Event.PayloadCase.class);
  private static final Map<Event.PayloadCase, Set<RunStatus>> RUN_FROM =
      new EnumMap<>(Event.PayloadCase.class);

  static {
    STEP_FROM.put(
        Event.PayloadCase.STEP_STARTED, EnumSet.of(STEP_STATUS_PENDING, STEP_STATUS_RETRY_WAIT));
    STEP_FROM.put(Event.PayloadCase.STEP_SUCCEEDED, EnumSet.of(STEP_STATUS_RUNNING));
    STEP_FROM.put(
        Event.PayloadCase.STEP_FAILED,
        EnumSet.of(STEP_STATUS_RUNNING, STEP_STATUS_PENDING, STEP_STATUS_RETRY_WAIT));
    STEP_FROM.put(Event.PayloadCase.STEP_TIMED_OUT, EnumSet.of(STEP_STATUS_RUNNING));
    STEP_FROM.put(Event.PayloadCase.STEP_RETRY_SCHEDULED, EnumSet.of(STEP_STATUS_FAILED));
    STEP_FROM.put(Event.PayloadCase.STEP_SKIPPED, EnumSet.of(STEP_STATUS_PENDING));
    STEP_FROM.put(
        Event.PayloadCase.STEP_CANCELLED,
        EnumSet.of(STEP_STATUS_PENDING, STEP_STATUS_RETRY_WAIT, STEP_STATUS_RUNNING));

    RUN_FROM.put(Event.PayloadCase.RUN_CANCEL_REQUESTED, EnumSet.of(RunStatus.RUN_STATUS_RUNNING));
    RUN_FROM.put(Event.PayloadCase.RUN_TIMED_OUT, EnumSet.of(RunStatus.RUN_STATUS_RUNNING));
    RUN_FROM.put(Event.PayloadCase.RUN_SUCCEEDED, EnumSet.of(RunStatus.RUN_STATUS_RUNNING));
    RUN_FROM.put(Event.PayloadCase.RUN_FAILED, EnumSet.of(RunStatus.RUN_STATUS_RUNNING));
    RUN_FROM.put(Event.PayloadCase.RUN_CANCELLED, EnumSet.of(RunStatus.RUN_STATUS_CANCELLING));
  }

  private Transitions() {}

  /** Whether an attempt numbered {@code attempt} may start for {@code step} now. */
  static boolean mayStart(StepState step, int attempt) {
    return step != null
        && STEP_FROM.get(Event.PayloadCase.STEP_STARTED).contains(step.status())
        && attempt == step.attempt() + 1;
  }

  /**
   * Checks that {@code event} may apply to {@code state}, a live (not terminal) run that the event
   * follows in sequence.
   *
   * @throws IllegalHistoryException naming the event and the state when it may not
   */
  static void check(RunState state, Event event) {
    Event.PayloadCase type = event.getPayloadCase();
    if (state.isTerminal()) {
      throw refused(state, event, "the run is already " + name(state.status()));
    }
    Set<RunStatus> runFrom = RUN_FROM.get(type);
    if (runFrom != null) {
      if (!runFrom.contains(state.status())) {
        throw refused(state, event, "the run is " + name(state.status()));
      }
      if (type == Event.PayloadCase.RUN_TIMED_OUT && state.timedOut()) {
        throw refused(state, event, "the run has already timed out");
      }
      if (type != Event.PayloadCase.RUN_CANCEL_REQUESTED
          && type != Event.PayloadCase.RUN_TIMED_OUT) {
        for (StepState step : state.steps()) {
          if (!step.isTerminal()) {
            throw refused(state, event, "step '" + step.id() + "' is still " + name(step.status()));
          }
        }
      }
      return;
    }
    Set<StepStatus> stepFrom = STEP_FROM.get(type);
    if (stepFrom == null) {
      throw refused(state, event, "a run that has begun takes no " + type + " event");
    }
    StepTarget target = StepTarget.of(event);
    StepState step = state.step(target.stepId());
    if (step == null) {
      throw refused(state, event, "the run has no step '" + target.stepId() + "'");
    }
    if (!stepFrom.contains(step.status())) {
      throw refused(
          state,
          event,
          "step '" + step.id() + "' is " + name(step.status()) + " " + attemptOf(step));
    }
    // A step cancelled while it does not run names no attempt of its own; any other names one.
    boolean namesAttempt =
        type != Event.PayloadCase.STEP_SKIPPED
            && !(type == Event.PayloadCase.STEP_CANCELLED && !step.isRunning());
    int expected = expectedAttempt(type, step);
    if (namesAttempt && target.attempt() != expected) {
      throw refused(
          state,
          event,
          "it names attempt "
              + target.attempt()
              + " where step '"
              + step.id()
              + "' is "
              + name(step.status())
              + " "
              + attemptOf(step)
              + " and takes attempt "
              + expected);
    }
  }

  private static int expectedAttempt(Event.PayloadCase type, StepState step) {
    return switch (type) {
      case STEP_STARTED, STEP_RETRY_SCHEDULED -> step.attempt() + 1;
      case STEP_FAILED -> step.isRunning() ? step.attempt() : step.attempt() + 1;
      default -> step.attempt();
    };
  }

  private static String attemptOf(StepState step) {
    return "after attempt " + step.attempt();
  }

  private static IllegalHistoryException refused(RunState state, Event event, String why) {
    return new IllegalHistoryException(
        "run "
            + state.runId()
            + ": event "
            + event.getRunSeq()
            + " ("
            + event.getPayloadCase()
            + ") does not apply: "
            + why);
  }

  private static String name(Enum<?> status) {
    String name = status.name();
    int cut = name.indexOf("_STATUS_");
    return cut < 0 ? name : name.substring(cut + "_STATUS_".length());
  }

  /** The step and attempt a step event names. */
  private record StepTarget(String stepId, int attempt) {
    static StepTarget of(Event event) {
      return switch (event.getPayloadCase()) {
        case STEP_STARTED ->
            new StepTarget(event.getStepStarted().getStepId(), event.getStepStarted().getAttempt());
        case STEP_SUCCEEDED ->
            new StepTarget(
                event.getStepSucceeded().getStepId(), event.getStepSucceeded().getAttempt());
        case STEP_FAILED ->
            new StepTarget(event.getStepFailed().getStepId(), event.getStepFailed().getAttempt());
        case STEP_TIMED_OUT ->
            new StepTarget(
                event.getStepTimedOut().getStepId(), event.getStepTimedOut().getAttempt());
        case STEP_RETRY_SCHEDULED ->
            new StepTarget(
                event.getStepRetryScheduled().getStepId(),
                event.getStepRetryScheduled().getNextAttempt());
        case STEP_SKIPPED -> new StepTarget(event.getStepSkipped().getStepId(), 0);
        case STEP_CANCELLED ->
            new StepTarget(
                event.getStepCancelled().getStepId(), event.getStepCancelled().getAttempt());
        default ->
            throw new IllegalArgumentException("not a step event: " + event.getPayloadCase());
      };
    }
  }
}
