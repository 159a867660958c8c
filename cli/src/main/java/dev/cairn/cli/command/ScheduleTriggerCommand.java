package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.TriggerScheduleRequest;
import dev.cairn.v1.TriggerScheduleResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn schedule trigger ID}: starts a run of the schedule now and prints its id. */
@Command(
    name = "trigger",
    mixinStandardHelpOptions = true,
    description = {
      "Start a run of a schedule now, whatever its cron expression, pause or overlap policy say,"
          + " and print the run id ('cairn status RUN' follows it).",
      "",
      "Examples:",
      "  cairn schedule trigger nightly",
      "  cairn schedule trigger nightly --request-id deploy-42"
    })
public final class ScheduleTriggerCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The schedule id.")
  String id;

  @Option(
      names = "--request-id",
      paramLabel = "KEY",
      description = "Idempotency key: triggering again with the same key returns the same run.")
  String requestId = "";

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    TriggerScheduleResponse response;
    try (CairnClient client = connect()) {
      response =
          client
              .schedules()
              .triggerSchedule(
                  TriggerScheduleRequest.newBuilder()
                      .setScheduleId(id)
                      .setRequestId(requestId)
                      .build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println(response.getRunId());
    }
    return ExitCodes.OK;
  }
}
