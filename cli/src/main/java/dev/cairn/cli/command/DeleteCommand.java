package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.DeleteRunRequest;
import dev.cairn.v1.DeleteRunResponse;
import dev.cairn.v1.RunRemovalCause;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn delete RUN}: removes one finished run now, as retention would later. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description =
        "Remove a finished run now: its events, its row and its output files. A run that has not"
            + " ended is refused; cancel it first.")
public final class DeleteCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    DeleteRunResponse response;
    try (CairnClient client = connect()) {
      response = client.unary().deleteRun(DeleteRunRequest.newBuilder().setRunId(runId).build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      Instant at =
          Instant.ofEpochSecond(
              response.getRemoveTime().getSeconds(), response.getRemoveTime().getNanos());
      out()
          .println(
              "run "
                  + response.getRunId()
                  + ": removed at "
                  + at
                  + (response.getCause() == RunRemovalCause.RUN_REMOVAL_CAUSE_RETENTION
                      ? " (by retention, earlier)"
                      : ""));
    }
    return ExitCodes.OK;
  }
}
