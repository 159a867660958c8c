package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.ScheduleText;
import dev.cairn.v1.GetScheduleRequest;
import dev.cairn.v1.GetScheduleResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn schedule describe ID}: the schedule, its next firings and its recent runs. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = {
      "Show a schedule: its definition, the next firings, the recent runs and the recent times"
          + " that started no run (missed while the server was down, or skipped for overlap).",
      "",
      "Examples:",
      "  cairn schedule describe nightly",
      "  cairn schedule describe nightly --next 10 --recent 20 -o json"
    })
public final class ScheduleDescribeCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The schedule id.")
  String id;

  @Option(
      names = "--next",
      paramLabel = "N",
      description = "How many next firings to show (default: ${DEFAULT-VALUE}, at most 100).")
  int next = 5;

  @Option(
      names = "--recent",
      paramLabel = "N",
      description = "How many recent runs to show (default: ${DEFAULT-VALUE}, at most 100).")
  int recent = 10;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    if (next < 1 || next > 100 || recent < 1 || recent > 100) {
      throw new CliException(ExitCodes.BAD_INPUT, "--next and --recent take 1 to 100");
    }
    GetScheduleResponse response;
    try (CairnClient client = connect()) {
      response =
          client
              .schedules()
              .getSchedule(
                  GetScheduleRequest.newBuilder()
                      .setScheduleId(id)
                      .setNextCount(next)
                      .setRecentCount(recent)
                      .build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      ScheduleText.describe(response, context().zone()).forEach(out()::println);
    }
    return ExitCodes.OK;
  }
}
