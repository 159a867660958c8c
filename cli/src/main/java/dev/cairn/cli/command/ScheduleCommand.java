package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cairn schedule}: the parent of the schedule subcommands; alone, it prints its usage. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Manage schedules: workflows the server starts itself at the times a cron expression names.",
      "",
      "Examples:",
      "  cairn schedule create nightly build.yaml --cron '0 3 * * *' --zone Europe/Berlin",
      "  cairn schedule list",
      "  cairn schedule describe nightly",
      "  cairn schedule pause nightly --note 'release freeze'",
      "  cairn schedule resume nightly",
      "  cairn schedule trigger nightly",
      "  cairn schedule delete nightly"
    },
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      ScheduleCreateCommand.class,
      ScheduleListCommand.class,
      ScheduleDescribeCommand.class,
      SchedulePauseCommand.class,
      ScheduleResumeCommand.class,
      ScheduleDeleteCommand.class,
      ScheduleTriggerCommand.class
    })
public final class ScheduleCommand extends ClientCommand {
  @Mixin OutputOptions output;

  @Spec CommandSpec self;

  @Override
  public Integer call() {
    self.commandLine().usage(err());
    return ExitCodes.BAD_INPUT;
  }
}
