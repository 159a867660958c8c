package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.DeleteScheduleRequest;
import dev.cairn.v1.DeleteScheduleResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn schedule delete ID}: removes the schedule; its runs are kept. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a schedule: it starts no more runs. The runs it started are kept (remove those with"
          + " 'cairn delete RUN').",
      "",
      "Examples:",
      "  cairn schedule delete nightly"
    })
public final class ScheduleDeleteCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The schedule id.")
  String id;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    DeleteScheduleResponse response;
    try (CairnClient client = connect()) {
      response =
          client
              .schedules()
              .deleteSchedule(DeleteScheduleRequest.newBuilder().setScheduleId(id).build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println("schedule " + id + ": deleted");
    }
    return ExitCodes.OK;
  }
}
