package dev.cairn.cli.workflow;

import dev.cairn.workflow.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A workflow file with problems found on this machine, before anything was sent. Each problem is
 * one line that names the file, the line and the key path, e.g. {@code build.yaml:7:
 * steps[1].timout: unknown key}.
 */
public final class InvalidWorkflowFile extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  /** Creates the exception for at least one problem of {@code file}. */
  public InvalidWorkflowFile(Path file, List<Problem> problems) {
    super(problems.stream().map(problem -> line(file, problem)).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String line(Path file, Problem problem) {
    String where = problem.line() > 0 ? file + ":" + problem.line() + ": " : file + ": ";
    return where + (problem.field().isEmpty() ? "" : problem.field() + ": ") + problem.message();
  }
}
