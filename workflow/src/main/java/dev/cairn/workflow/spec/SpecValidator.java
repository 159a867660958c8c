package dev.cairn.workflow.spec;

import com.google.protobuf.Duration;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.ControlCharacters;
import dev.cairn.workflow.StepIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a spec before anything is recorded: sizes, step ids, commands, dependencies, cycles,
 * durations and limits, and everything the launcher would refuse at the step's start (see {@link
 * LaunchRules}). The first problem found is reported with the field it concerns.
 */
public final class SpecValidator {
  private static final long MAX_DURATION_SECONDS = 366L * 24 * 3600;
  private static final int MAX_ATTEMPTS = 1000;

  private SpecValidator() {}

  /**
   * Refuses workflow file text (field {@code workflow_yaml}) of more bytes than a spec may have,
   * before it is parsed: a file is never much bigger than the spec it makes, and parsing a huge one
   * would hold the thread for seconds.
   *
   * @throws InvalidSpecException SPEC_TOO_LARGE
   */
  public static void checkFileSize(long bytes, int maxSpecBytes) {
    if (bytes > maxSpecBytes) {
      throw new InvalidSpecException(
          "SPEC_TOO_LARGE",
          "workflow_yaml",
          "the workflow file is " + bytes + " bytes; the limit is " + maxSpecBytes + " bytes");
    }
  }

  /**
   * @throws InvalidSpecException naming the first problem
   */
  public static void validate(WorkflowSpec spec, SpecLimits limits) {
    int size = spec.getSerializedSize();
    if (size < 0) {
      // Protobuf sums sizes in an int: a spec whose strings are shared (aliases) can pass 2 GiB.
      throw new InvalidSpecException(
          "SPEC_TOO_LARGE",
          "spec",
          "spec is over 2 GiB; the limit is " + limits.maxSpecBytes() + " bytes");
    }
    if (size > limits.maxSpecBytes()) {
      throw new InvalidSpecException(
          "SPEC_TOO_LARGE",
          "spec",
          "spec is " + size + " bytes; the limit is " + limits.maxSpecBytes() + " bytes");
    }
    if (spec.getStepsCount() == 0) {
      throw new InvalidSpecException(
          "NO_STEPS", "steps", "steps: a workflow needs at least one step");
    }
    if (spec.getStepsCount() > limits.maxSteps()) {
      throw new InvalidSpecException(
          "TOO_MANY_STEPS",
          "steps",
          "steps: " + spec.getStepsCount() + " steps; the limit is " + limits.maxSteps());
    }
    if (spec.getName().length() > 256) {
      throw new InvalidSpecException("INVALID_NAME", "name", "name: longer than 256 characters");
    }
    LaunchRules.checkName(spec.getName());
    if (ControlCharacters.present(spec.getName())) {
      // Printed in every listing: an escape sequence or a line break would rewrite a terminal.
      throw new InvalidSpecException("INVALID_NAME", "name", ControlCharacters.IN_NAME);
    }
    LaunchRules.checkWorkingDir(spec.getWorkingDir());
    if (!spec.getWorkingDir().isEmpty() && !spec.getWorkingDir().startsWith("/")) {
      throw new InvalidSpecException(
          "INVALID_WORKING_DIR",
          "working_dir",
          "working_dir: must be an absolute path, got '" + spec.getWorkingDir() + "'");
    }
    LaunchRules.checkEnv("env", spec.getEnvMap());
    checkTimeout("defaults.timeout", spec.getDefaults().getTimeout());
    checkTimeout("timeout", spec.getTimeout());
    RunFeatures.checkParams(spec);
    RunFeatures.checkLabels("labels", spec.getLabelsMap());
    checkRetry("defaults.retry", spec.getDefaults().getRetry());
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < spec.getStepsCount(); i++) {
      checkStep(spec.getSteps(i), "steps[" + i + "]", ids, i);
    }
    for (int i = 0; i < spec.getStepsCount(); i++) {
      StepSpec step = spec.getSteps(i);
      for (int d = 0; d < step.getDependsOnCount(); d++) {
        String dependency = step.getDependsOn(d);
        if (!ids.containsKey(dependency)) {
          throw new InvalidSpecException(
              "UNKNOWN_DEPENDENCY",
              "steps[" + i + "].depends_on[" + d + "]",
              "steps["
                  + i
                  + "] ("
                  + step.getId()
                  + "): depends on unknown step '"
                  + dependency
                  + "'");
        }
      }
    }
    List<String> cycle = findCycle(spec, ids);
    if (!cycle.isEmpty()) {
      throw new InvalidSpecException(
          "CYCLE", "steps", "steps: dependency cycle " + String.join(" -> ", cycle));
    }
  }

  private static void checkStep(StepSpec step, String field, Map<String, Integer> ids, int index) {
    if (!StepIds.valid(step.getId())) {
      throw new InvalidSpecException(
          "INVALID_STEP_ID", field + ".id", field + ".id: '" + step.getId() + "' " + StepIds.RULE);
    }
    Integer previous = ids.putIfAbsent(step.getId(), index);
    if (previous != null) {
      throw new InvalidSpecException(
          "DUPLICATE_STEP_ID",
          field + ".id",
          field + ".id: duplicate step id '" + step.getId() + "' (also steps[" + previous + "])");
    }
    String where = field + " (" + step.getId() + ")";
    switch (step.getCommandCase()) {
      case RUN -> {
        if (step.getRun().isBlank()) {
          throw new InvalidSpecException("EMPTY_COMMAND", field + ".run", where + ": run is empty");
        }
      }
      case ARGV -> {
        if (step.getArgv().getArgsCount() == 0 || step.getArgv().getArgs(0).isEmpty()) {
          throw new InvalidSpecException(
              "EMPTY_COMMAND", field + ".argv", where + ": argv is empty");
        }
      }
      case COMMAND_NOT_SET ->
          throw new InvalidSpecException(
              "EMPTY_COMMAND", field + ".run", where + ": needs exactly one of run or argv");
    }
    LaunchRules.checkCommand(step, field, where);
    RunFeatures.checkRunIf(step, field);
    LaunchRules.checkEnv(field + ".env", step.getEnvMap());
    checkTimeout(field + ".timeout", step.getTimeout());
    checkRetry(field + ".retry", step.getRetry());
  }

  private static void checkTimeout(String field, Duration duration) {
    checkDuration(field, duration);
  }

  private static void checkDuration(String field, Duration duration) {
    if (duration.getSeconds() < 0 || duration.getNanos() < 0) {
      throw new InvalidSpecException("INVALID_DURATION", field, field + ": must not be negative");
    }
    if (duration.getNanos() > 999_999_999) {
      throw new InvalidSpecException(
          "INVALID_DURATION",
          field,
          field + ": nanos is " + duration.getNanos() + "; it must be at most 999999999");
    }
    if (duration.getSeconds() > MAX_DURATION_SECONDS
        || duration.getSeconds() == MAX_DURATION_SECONDS && duration.getNanos() > 0) {
      throw new InvalidSpecException("INVALID_DURATION", field, field + ": longer than 366 days");
    }
  }

  private static void checkRetry(String field, RetryPolicy retry) {
    // Unsigned on the wire: 2^31 and more read as negative here.
    long maxAttempts = Integer.toUnsignedLong(retry.getMaxAttempts());
    if (maxAttempts > MAX_ATTEMPTS) {
      throw new InvalidSpecException(
          "INVALID_RETRY",
          field + ".max_attempts",
          field + ".max_attempts: " + maxAttempts + " is above " + MAX_ATTEMPTS);
    }
    checkDuration(field + ".initial_backoff", retry.getInitialBackoff());
    checkDuration(field + ".max_backoff", retry.getMaxBackoff());
    double multiplier = retry.getMultiplier();
    if (multiplier != 0 && !(multiplier >= 1 && multiplier <= 100)) {
      throw new InvalidSpecException(
          "INVALID_RETRY",
          field + ".multiplier",
          field + ".multiplier: must be between 1 and 100, got " + multiplier);
    }
    double jitter = retry.getJitter();
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new InvalidSpecException(
          "INVALID_RETRY",
          field + ".jitter",
          field + ".jitter: must be between 0 and 1, got " + jitter);
    }
  }

  /** Returns a cycle as a path of ids whose last equals its first, or an empty list. */
  private static List<String> findCycle(WorkflowSpec spec, Map<String, Integer> ids) {
    int count = spec.getStepsCount();
    int[] color = new int[count]; // 0 unvisited, 1 on the stack, 2 done
    int[] parent = new int[count];
    int[] nextEdge = new int[count];
    for (int root = 0; root < count; root++) {
      if (color[root] != 0) {
        continue;
      }
      // An explicit stack keeps deep chains (thousands of steps) off the call stack.
      List<Integer> stack = new ArrayList<>();
      stack.add(root);
      color[root] = 1;
      parent[root] = -1;
      while (!stack.isEmpty()) {
        int node = stack.get(stack.size() - 1);
        StepSpec step = spec.getSteps(node);
        if (nextEdge[node] < step.getDependsOnCount()) {
          int next = ids.get(step.getDependsOn(nextEdge[node]++));
          if (color[next] == 1) {
            return cyclePath(spec, stack, next);
          }
          if (color[next] == 0) {
            color[next] = 1;
            parent[next] = node;
            stack.add(next);
          }
        } else {
          color[node] = 2;
          stack.remove(stack.size() - 1);
        }
      }
    }
    return List.of();
  }

  private static List<String> cyclePath(WorkflowSpec spec, List<Integer> stack, int start) {
    // The stack runs from a step to what it depends on; report the cycle in execution order,
    // dependencies first, so "a -> b" reads "a runs before b", starting from the step that comes
    // first in the spec so the message is the same however the search entered the cycle.
    List<Integer> cycle = new ArrayList<>();
    for (int i = stack.size() - 1; i >= stack.indexOf(start); i--) {
      cycle.add(stack.get(i));
    }
    int first = cycle.indexOf(cycle.stream().min(Integer::compare).orElseThrow());
    List<String> path = new ArrayList<>();
    for (int i = 0; i <= cycle.size(); i++) {
      path.add(spec.getSteps(cycle.get((first + i) % cycle.size())).getId());
    }
    return path;
  }
}
