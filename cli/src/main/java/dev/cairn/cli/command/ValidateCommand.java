package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.workflow.InvalidWorkflowFile;
import dev.cairn.cli.workflow.LocalWorkflow;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.Problem;
import dev.cairn.workflow.spec.InvalidSpecException;
import dev.cairn.workflow.spec.SpecLimits;
import dev.cairn.workflow.spec.SpecValidator;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn validate FILE}: checks a workflow file on this machine, without a server. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a workflow file without running it and without a server.",
      "Checks its format (YAML 1.2, known keys, types, durations) and its DAG (step ids,",
      "dependencies, cycles), listing every problem with its line; then, as the server does at",
      "submit, parameter and label names, retry and duration ranges, what the launcher would",
      "refuse (reserved or malformed environment names, NUL bytes), and the size and step count",
      "against the server's default limits (1 MiB, 10000 steps; a server may set others)."
    })
public final class ValidateCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file (YAML).")
  Path file;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() throws Exception {
    LocalWorkflow workflow = LocalWorkflow.read(file);
    List<Problem> problems = workflow.check();
    if (!problems.isEmpty()) {
      throw new InvalidWorkflowFile(file, problems);
    }
    WorkflowSpec spec;
    try {
      // As the server: the file's size first (whatever its spec), then the spec.
      SpecValidator.checkFileSize(workflow.bytes(), SpecLimits.DEFAULT.maxSpecBytes());
      spec = workflow.parse();
      SpecValidator.validate(spec, SpecLimits.DEFAULT);
    } catch (InvalidSpecException e) {
      throw new InvalidWorkflowFile(file, List.of(problem(e)));
    }
    int steps = spec.getStepsCount();
    if (output.json()) {
      // By hand: a protobuf Struct holds numbers as doubles, and would print 3 steps as 3.0.
      out().println("{\"valid\":true,\"steps\":" + steps + "}");
    } else {
      out().println("valid: " + steps + (steps == 1 ? " step" : " steps"));
    }
    return ExitCodes.OK;
  }

  /** The server's refusal as a problem of the file: its message starts with the field it names. */
  private static Problem problem(InvalidSpecException e) {
    String prefix = e.field() + ": ";
    return e.getMessage().startsWith(prefix)
        ? new Problem(0, e.field(), e.reason(), e.getMessage().substring(prefix.length()))
        : new Problem(0, "", e.reason(), e.getMessage());
  }
}
