package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.workflow.InvalidWorkflowFile;
import dev.cairn.cli.workflow.LocalWorkflow;
import dev.cairn.workflow.Problem;
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
      "dependencies, cycles), and lists every problem with its line. The server checks the rest",
      "when the file is submitted: sizes and counts against its limits, parameter and label",
      "names, retry and duration ranges, and what the launcher would refuse (environment names,",
      "NUL bytes)."
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
    int steps = workflow.parse().getStepsCount();
    if (output.json()) {
      // By hand: a protobuf Struct holds numbers as doubles, and would print 3 steps as 3.0.
      out().println("{\"valid\":true,\"steps\":" + steps + "}");
    } else {
      out().println("valid: " + steps + (steps == 1 ? " step" : " steps"));
    }
    return ExitCodes.OK;
  }
}
