package dev.cairn.cli.command;

import com.google.protobuf.MessageOrBuilder;
import dev.cairn.v1.PauseScheduleRequest;
import dev.cairn.v1.ScheduleServiceGrpc.ScheduleServiceBlockingStub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class SchedulePauseCommand extends ScheduleChangeCommand {
  @Option(names = "--note", paramLabel = "TEXT", description = "Why; recorded with the schedule.")
  String note = "";

  @Override
  MessageOrBuilder change(ScheduleServiceBlockingStub schedules) {
    return schedules.pauseSchedule(
        PauseScheduleRequest.newBuilder().setScheduleId(id).setNote(note).build());
  }

  @Override
  String outcome() {
    return "paused";
  }
}
