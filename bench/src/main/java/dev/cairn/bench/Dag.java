package dev.cairn.bench;

import dev.cairn.v1.Argv;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One DAG of {@code true} steps, given to Cairn as a spec and to make as a Makefile of the same
 * shape.
 *
 * @param name the workload's name in the results table
 * @param steps the nodes, each after all its dependencies
 * @param parallelism make's {@code -j} and the spec's {@code max_parallel}
 */
record Dag(String name, List<Node> steps, int parallelism) {

  /** A step and the ids it depends on. */
  record Node(String id, List<String> dependsOn) {}

  /** Step i depends on step i - 1. */
  static Dag chain(int length) {
    List<Node> steps = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      steps.add(new Node(id(i), i == 0 ? List.of() : List.of(id(i - 1))));
    }
    return new Dag("chain " + length, steps, 1);
  }

  /** Independent steps. */
  static Dag fanOut(int width, int parallelism) {
    List<Node> steps = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      steps.add(new Node(id(i), List.of()));
    }
    return new Dag("fan-out " + width + " -j" + parallelism, steps, parallelism);
  }

  /** Every step of layer k depends on every step of layer k - 1: width squared edges per pair. */
  static Dag layers(int layers, int width, int parallelism) {
    List<Node> steps = new ArrayList<>();
    List<String> previous = List.of();
    for (int layer = 0; layer < layers; layer++) {
      List<String> current = new ArrayList<>();
      for (int i = 0; i < width; i++) {
        String id = "l" + layer + "s" + i;
        steps.add(new Node(id, previous));
        current.add(id);
      }
      previous = List.copyOf(current);
    }
    return new Dag("layers " + layers + "x" + width + " -j" + parallelism, steps, parallelism);
  }

  /**
   * The spec: each step execs {@code true} directly, as make does for a recipe with no shell
   * syntax.
   */
  WorkflowSpec spec() {
    WorkflowSpec.Builder spec =
        WorkflowSpec.newBuilder()
            .setName("bench-" + name.replace(' ', '-'))
            .setMaxParallel(parallelism);
    for (Node node : steps) {
      spec.addSteps(
          StepSpec.newBuilder()
              .setId(node.id())
              .setArgv(Argv.newBuilder().addArgs("true"))
              .addAllDependsOn(node.dependsOn()));
    }
    return spec.build();
  }

  /**
   * The same DAG as phony targets whose recipe is {@code true}; {@code all} depends on every step.
   */
  String makefile() {
    StringBuilder text = new StringBuilder();
    text.append(".PHONY: all");
    for (Node node : steps) {
      text.append(' ').append(node.id());
    }
    text.append("\nall:");
    for (Node node : steps) {
      text.append(' ').append(node.id());
    }
    text.append('\n');
    for (Node node : steps) {
      text.append(node.id()).append(':');
      for (String dependency : node.dependsOn()) {
        text.append(' ').append(dependency);
      }
      text.append("\n\t@true\n");
    }
    return text.toString();
  }

  int size() {
    return steps.size();
  }

  private static String id(int index) {
    return "s" + index;
  }
}
