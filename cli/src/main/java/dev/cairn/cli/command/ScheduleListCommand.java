package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.ScheduleText;
import dev.cairn.cli.render.TextTable;
import dev.cairn.v1.ListSchedulesRequest;
import dev.cairn.v1.ListSchedulesResponse;
import dev.cairn.v1.Schedule;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cairn schedule list}: every schedule, by id, with its next firing. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List schedules by id, each with its next firing.",
      "",
      "Examples:",
      "  cairn schedule list",
      "  cairn schedule list -o json"
    })
public final class ScheduleListCommand extends ClientCommand {
  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    List<Schedule> schedules = new ArrayList<>();
    try (CairnClient client = connect()) {
      String token = "";
      do {
        ListSchedulesResponse page =
            client
                .schedules()
                .listSchedules(ListSchedulesRequest.newBuilder().setPageToken(token).build());
        schedules.addAll(page.getSchedulesList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
    }
    if (output.json()) {
      schedules.forEach(schedule -> out().println(Json.line(schedule)));
      return ExitCodes.OK;
    }
    TextTable table = new TextTable("SCHEDULE", "CRON", "ZONE", "STATE", "NEXT", "WORKFLOW");
    schedules.forEach(schedule -> table.row(ScheduleText.row(schedule, context().zone())));
    table.lines().forEach(out()::println);
    return ExitCodes.OK;
  }
}
