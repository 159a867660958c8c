package dev.cairn.workflow;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A workflow file that cannot be read or does not have the format's shape. It carries every problem
 * found, in file order, so that a user fixes them in one pass.
 */
public final class WorkflowFileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  /** Creates the exception for at least one problem. */
  public WorkflowFileException(List<Problem> problems) {
    super(problems.stream().map(Problem::describe).collect(Collectors.joining("; ")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a workflow file exception needs a problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order they occur in the file. */
  public List<Problem> problems() {
    return problems;
  }

  /** The first problem, which a single-error channel (an RPC status) reports. */
  public Problem first() {
    return problems.get(0);
  }
}
