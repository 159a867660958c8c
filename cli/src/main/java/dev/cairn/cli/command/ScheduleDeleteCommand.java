package dev.cairn.cli.command;

import com.google.protobuf.MessageOrBuilder;
import dev.cairn.v1.DeleteScheduleRequest;
import dev.cairn.v1.ScheduleServiceGrpc.ScheduleServiceBlockingStub;
import picocli.CommandLine.Command;

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
public final class ScheduleDeleteCommand extends ScheduleChangeCommand {
  @Override
  MessageOrBuilder change(ScheduleServiceBlockingStub schedules) {
    return schedules.deleteSchedule(DeleteScheduleRequest.newBuilder().setScheduleId(id).build());
  }

  @Override
  String outcome() {
    return "deleted";
  }
}
