package dev.cairn.cli;

import dev.cairn.cli.command.CancelCommand;
import dev.cairn.cli.command.CompletionCommand;
import dev.cairn.cli.command.EventsCommand;
import dev.cairn.cli.command.ListCommand;
import dev.cairn.cli.command.LogsCommand;
import dev.cairn.cli.command.RunCommand;
import dev.cairn.cli.command.ServerCommand;
import dev.cairn.cli.command.StatusCommand;
import dev.cairn.cli.command.SubmitCommand;
import dev.cairn.cli.command.UiCommand;
import dev.cairn.cli.command.ValidateCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code cairn} command: a parent for the subcommands, with help and version. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = CairnCommand.Version.class,
    description = "Submit, watch, inspect and cancel runs of a Cairn workflow server.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      RunCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      ListCommand.class,
      CancelCommand.class,
      EventsCommand.class,
      LogsCommand.class,
      ValidateCommand.class,
      UiCommand.class,
      ServerCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class,
    },
    footer = ExitCodes.HELP_FOOTER)
public final class CairnCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  /** A command in the real process environment. */
  public CairnCommand() {
    this(CliContext.system());
  }

  /** A command in the given context (tests supply their own environment and channels). */
  public CairnCommand(CliContext context) {
    this.context = context;
  }

  /** The context subcommands run in. */
  public CliContext context() {
    return context;
  }

  /** Without a subcommand, print the usage and fail as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.BAD_INPUT;
  }

  /** Installs the error handling and parsing rules that every {@code cairn} invocation uses. */
  public static CommandLine configure(CommandLine commandLine) {
    ErrorReporter errors = new ErrorReporter();
    return commandLine
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** A configured command line over {@code context}. */
  public static CommandLine commandLine(CliContext context) {
    return configure(new CommandLine(new CairnCommand(context)));
  }

  /** The version recorded in the jar's manifest at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CairnCommand.class.getPackage().getImplementationVersion();
      return new String[] {"cairn " + (version == null ? "(development build)" : version)};
    }
  }
}
