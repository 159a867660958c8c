package dev.cairn.cli.command;

import com.google.protobuf.MessageOrBuilder;
import dev.cairn.v1.ResumeScheduleRequest;
import dev.cairn.v1.ScheduleServiceGrpc.ScheduleServiceBlockingStub;
import picocli.CommandLine.Command;

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
public final class ScheduleResumeCommand extends ScheduleChangeCommand {
  @Override
  MessageOrBuilder change(ScheduleServiceBlockingStub schedules) {
    return schedules.resumeSchedule(ResumeScheduleRequest.newBuilder().setScheduleId(id).build());
  }

  @Override
  String outcome() {
    return "active";
  }
}
