package dev.cairn.cli.command;

import com.google.protobuf.MessageOrBuilder;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.ScheduleServiceGrpc.ScheduleServiceBlockingStub;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A change to one schedule named by its id (pause, resume, delete): one call, then the server's
 * answer as JSON or one line saying what the schedule is now.
 */
abstract class ScheduleChangeCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The schedule id.")
  String id;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  /** Makes the change; the server's answer. */
  abstract MessageOrBuilder change(ScheduleServiceBlockingStub schedules);

  /** What the schedule is after the change, for the line: "paused", "active", "deleted". */
  abstract String outcome();

  @Override
  public Integer call() {
    MessageOrBuilder response;
    try (CairnClient client = connect()) {
      response = change(client.schedules());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println("schedule " + id + ": " + outcome());
    }
    return ExitCodes.OK;
  }
}
