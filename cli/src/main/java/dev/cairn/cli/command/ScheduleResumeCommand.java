package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.ResumeScheduleRequest;
import dev.cairn.v1.ResumeScheduleResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn schedule resume ID}: the schedule fires again from now on. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Resume a paused schedule: it fires again from now on; the times that fell while it was"
          + " paused are not run.",
      "",
      "Examples:",
      "  cairn schedule resume nightly"
    })
public final class ScheduleResumeCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The schedule id.")
  String id;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    ResumeScheduleResponse response;
    try (CairnClient client = connect()) {
      response =
          client
              .schedules()
              .resumeSchedule(ResumeScheduleRequest.newBuilder().setScheduleId(id).build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println("schedule " + id + ": active");
    }
    return ExitCodes.OK;
  }
}
