package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.PauseScheduleRequest;
import dev.cairn.v1.PauseScheduleResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn schedule pause ID}: stops the schedule firing until it is resumed. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = {
      "Pause a schedule: it starts no run until resumed. Runs already started go on.",
      "",
      "Examples:",
      "  cairn schedule pause nightly",
      "  cairn schedule pause nightly --note 'release freeze'"
    })
public final class SchedulePauseCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The schedule id.")
  String id;

  @Option(names = "--note", paramLabel = "TEXT", description = "Why; recorded with the schedule.")
  String note = "";

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    PauseScheduleResponse response;
    try (CairnClient client = connect()) {
      response =
          client
              .schedules()
              .pauseSchedule(
                  PauseScheduleRequest.newBuilder().setScheduleId(id).setNote(note).build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println("schedule " + id + ": paused");
    }
    return ExitCodes.OK;
  }
}
