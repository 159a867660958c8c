package dev.cairn.cli.command;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.workflow.WorkflowFile;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn validate FILE}: checks a workflow file locally and with the server's validator. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a workflow file without running it: its YAML here, then the DAG on the server",
      "(unknown dependencies, cycles, ...). Nothing is recorded."
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
    WorkflowSpec spec = WorkflowFile.parse(file);
    try (CairnClient client = connect()) {
      client
          .unary()
          .submitRun(SubmitRunRequest.newBuilder().setSpec(spec).setValidateOnly(true).build());
    }
    int steps = spec.getStepsCount();
    if (output.json()) {
      out()
          .println(
              Json.line(
                  Struct.newBuilder()
                      .putFields("valid", Value.newBuilder().setBoolValue(true).build())
                      .putFields("steps", Value.newBuilder().setNumberValue(steps).build())
                      .build()));
    } else {
      out().println("valid: " + steps + (steps == 1 ? " step" : " steps"));
    }
    return ExitCodes.OK;
  }
}
