package dev.cairn.workflow;

import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The DAG checks {@code cairn validate} makes without a server: at least one step, step ids valid
 * and unique, one non-empty command per step, known dependencies, no cycle. A small copy of the
 * server validator's rules, with the same reasons, so that offline validation reports every problem
 * with its line; the server's validator stays the authority (it also checks limits it alone knows:
 * sizes, step counts, environment names).
 */
final class WorkflowGraph {

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
      if (!StepIds.valid(step.getId())) {
        problems.add(
            new Problem(
                line, field + ".id", "INVALID_STEP_ID", "'" + step.getId() + "' " + StepIds.RULE));
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

  /**
   * One cycle as a path of ids that starts and ends with the same id, or empty. Depth-first with an
   * explicit stack, so that a chain of thousands of steps does not overflow the call stack.
   */
  private static List<String> findCycle(WorkflowSpec spec, Map<String, Integer> ids) {
    int count = spec.getStepsCount();
    int[] color = new int[count]; // 0 unseen, 1 on the path, 2 done
    int[] nextEdge = new int[count];
    for (int root = 0; root < count; root++) {
      if (color[root] != 0) {
        continue;
      }
      List<Integer> path = new ArrayList<>();
      path.add(root);
      color[root] = 1;
      while (!path.isEmpty()) {
        int node = path.get(path.size() - 1);
        StepSpec step = spec.getSteps(node);
        if (nextEdge[node] < step.getDependsOnCount()) {
          Integer next = ids.get(step.getDependsOn(nextEdge[node]++));
          if (next == null || color[next] == 2) {
            continue;
          }
          if (color[next] == 1) {
            List<String> cycle = new ArrayList<>();
            for (int index : path.subList(path.indexOf(next), path.size())) {
              cycle.add(spec.getSteps(index).getId());
            }
            cycle.add(spec.getSteps(next).getId());
            return cycle;
          }
          color[next] = 1;
          path.add(next);
        } else {
          color[node] = 2;
          path.remove(path.size() - 1);
        }
      }
    }
    return List.of();
  }
}
