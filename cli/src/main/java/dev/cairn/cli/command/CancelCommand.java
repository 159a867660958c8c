package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.Names;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.CancelRunResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn cancel RUN}: requests a cancel and prints the run's resulting status. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = "Cancel a run: its processes are stopped and pending steps will not start.")
public final class CancelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Option(names = "--reason", paramLabel = "R", description = "Why; recorded with the run.")
  String reason = "";

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    CancelRunResponse response;
    try (CairnClient client = connect()) {
      response =
          client
              .unary()
              .cancelRun(CancelRunRequest.newBuilder().setRunId(runId).setReason(reason).build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println("run " + runId + ": " + Names.of(response.getStatus()));
    }
    return ExitCodes.OK;
  }
}
