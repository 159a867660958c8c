package dev.cairn.workflow;

import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The DAG checks {@code cairn validate} makes without a server: at least one step, step ids valid
 * and unique, one non-empty command per step, known dependencies, no cycle. A small copy of the
 * server validator's rules, with the same reasons, so that offline validation reports every problem
 * with its line; the server's validator stays the authority (it also checks limits it alone knows:
 * sizes, step counts, environment names).
 */
final class WorkflowGraph {
  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private WorkflowGraph() {}

  static List<Problem> check(WorkflowSpec spec, List<Integer> stepLines) {
    List<Problem> problems = new ArrayList<>();
    if (spec.getStepsCount() == 0) {
      problems.add(new Problem(1, "steps", "NO_STEPS", "a workflow needs at least one step"));
      return problems;
    }
    Map<String, Integer> ids = new HashMap<>();
    for (int index = 0; index < spec.getStepsCount(); index++) {
      StepSpec step = spec.getSteps(index);
      String field = "steps[" + index + "]";
      int line = stepLines.get(index);
      if (!STEP_ID.matcher(step.getId()).matches()) {
        problems.add(
            new Problem(
                line,
                field + ".id",
                "INVALID_STEP_ID",
                "'" + step.getId() + "' must match [A-Za-z0-9._-]{1,128}"));
      } else if (ids.putIfAbsent(step.getId(), index) != null) {
        problems.add(
            new Problem(
                line,
                field + ".id",
                "DUPLICATE_STEP_ID",
                "duplicate step id '"
                    + step.getId()
                    + "' (also steps["
                    + ids.get(step.getId())
                    + "])"));
      }
      boolean empty =
          switch (step.getCommandCase()) {
            case RUN -> step.getRun().isBlank();
            case ARGV -> step.getArgv().getArgsCount() == 0 || step.getArgv().getArgs(0).isEmpty();
            case COMMAND_NOT_SET -> true;
          };
      if (empty) {
        problems.add(
            new Problem(line, field, "EMPTY_COMMAND", "needs a non-empty run or argv (one of)"));
      }
    }
    for (int index = 0; index < spec.getStepsCount(); index++) {
      StepSpec step = spec.getSteps(index);
      for (int dep = 0; dep < step.getDependsOnCount(); dep++) {
        if (!ids.containsKey(step.getDependsOn(dep))) {
          problems.add(
              new Problem(
                  stepLines.get(index),
                  "steps[" + index + "].depends_on[" + dep + "]",
                  "UNKNOWN_DEPENDENCY",
                  "depends on unknown step '" + step.getDependsOn(dep) + "'"));
        }
      }
    }
    List<String> cycle = findCycle(spec, ids);
    if (!cycle.isEmpty()) {
      int first = ids.get(cycle.get(0));
      problems.add(
          new Problem(
              stepLines.get(first),
              "steps",
              "CYCLE",
              "dependency cycle " + String.join(" -> ", cycle)));
    }
    return problems;
  }

  /** One cycle as a path of ids that starts and ends with the same id, or empty. */
  private static List<String> findCycle(WorkflowSpec spec, Map<String, Integer> ids) {
    int[] color = new int[spec.getStepsCount()]; // 0 unseen, 1 on the path, 2 done
    List<Integer> path = new ArrayList<>();
    for (int start = 0; start < spec.getStepsCount(); start++) {
      List<String> cycle = visit(spec, ids, start, color, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    return List.of();
  }

  private static List<String> visit(
      WorkflowSpec spec, Map<String, Integer> ids, int step, int[] color, List<Integer> path) {
    if (color[step] == 2) {
      return List.of();
    }
    if (color[step] == 1) {
      List<String> cycle = new ArrayList<>();
      for (int index : path.subList(path.indexOf(step), path.size())) {
        cycle.add(spec.getSteps(index).getId());
      }
      cycle.add(spec.getSteps(step).getId());
      return cycle;
    }
    color[step] = 1;
    path.add(step);
    for (String dependency : spec.getSteps(step).getDependsOnList()) {
      Integer next = ids.get(dependency);
      if (next != null) {
        List<String> cycle = visit(spec, ids, next, color, path);
        if (!cycle.isEmpty()) {
          return cycle;
        }
      }
    }
    path.remove(path.size() - 1);
    color[step] = 2;
    return List.of();
  }
}
