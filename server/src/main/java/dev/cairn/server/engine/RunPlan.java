package dev.cairn.server.engine;

import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.spec.SpecValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a validated spec implies once, for the life of a run: step positions, the dependency graph
 * in both directions, and each step's effective timeout and retry policy. Shared by every version
 * of a run's state, so folding an event never recomputes it.
 */
public final class RunPlan {
  private final WorkflowSpec spec;
  private final Map<String, Integer> index;
  private final int[][] upstream;
  private final int[][] downstream;
  private final Duration[] timeouts;
  private final RetryPolicy[] retries;
  private final boolean triggerRules;

  private RunPlan(WorkflowSpec spec) {
    this.spec = spec;
    int count = spec.getStepsCount();
    index = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      index.put(spec.getSteps(i).getId(), i);
    }
    upstream = new int[count][];
    timeouts = new Duration[count];
    retries = new RetryPolicy[count];
    List<List<Integer>> reverse = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      reverse.add(new ArrayList<>());
    }
    for (int i = 0; i < count; i++) {
      StepSpec step = spec.getSteps(i);
      upstream[i] = step.getDependsOnList().stream().distinct().mapToInt(index::get).toArray();
      for (int dependency : upstream[i]) {
        reverse.get(dependency).add(i);
      }
      timeouts[i] = effectiveTimeout(spec, step);
      retries[i] = step.hasRetry() ? step.getRetry() : spec.getDefaults().getRetry();
    }
    triggerRules = spec.getStepsList().stream().anyMatch(TriggerRules::runsAfterFailure);
    downstream = new int[count][];
    for (int i = 0; i < count; i++) {
      downstream[i] = reverse.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Builds the plan of a spec that passed {@link SpecValidator}. */
  public static RunPlan of(WorkflowSpec spec) {
    return new RunPlan(spec);
  }

  private static Duration effectiveTimeout(WorkflowSpec spec, StepSpec step) {
    com.google.protobuf.Duration timeout =
        step.hasTimeout() ? step.getTimeout() : spec.getDefaults().getTimeout();
    Duration value = Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos());
    return value.isZero() ? null : value;
  }

  public WorkflowSpec spec() {
    return spec;
  }

  public int size() {
    return upstream.length;
  }

  /** Position of a step id in the spec, or -1. */
  public int indexOf(String stepId) {
    Integer position = index.get(stepId);
    return position == null ? -1 : position;
  }

  int[] upstream(int step) {
    return upstream[step];
  }

  int[] downstream(int step) {
    return downstream[step];
  }

  /** Whether a step has a run_if rule other than all_succeeded. */
  boolean hasTriggerRules() {
    return triggerRules;
  }

  /** The step's timeout, or null when it has none. */
  public Duration timeout(int step) {
    return timeouts[step];
  }

  /** The step's retry policy (the default instance when none was given). */
  public RetryPolicy retry(int step) {
    return retries[step];
  }
}
