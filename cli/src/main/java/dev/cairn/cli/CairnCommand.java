package dev.cairn.cli;

import dev.cairn.cli.command.CancelCommand;
import dev.cairn.cli.command.CompletionCommand;
import dev.cairn.cli.command.DeleteCommand;
import dev.cairn.cli.command.EventsCommand;
import dev.cairn.cli.command.ListCommand;
import dev.cairn.cli.command.LogsCommand;
import dev.cairn.cli.command.RerunCommand;
import dev.cairn.cli.command.RunCommand;
import dev.cairn.cli.command.ScheduleCommand;
import dev.cairn.cli.command.ServerCommand;
import dev.cairn.cli.command.StatusCommand;
import dev.cairn.cli.command.SubmitCommand;
import dev.cairn.cli.command.UiCommand;
import dev.cairn.cli.command.ValidateCommand;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
    footer = ExitCodes.HELP_FOOTER)
public final class CairnCommand implements Callable<Integer> {
  /**
   * The subcommands by name, in the order help lists them. They are added in code rather than in
   * the annotation so that a call names the one it runs: picocli builds the model of every
   * subcommand it is given, by reflection, which was a tenth of a command's start.
   */
  private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put("run", RunCommand.class);
    commands.put("rerun", RerunCommand.class);
    commands.put("submit", SubmitCommand.class);
    commands.put("status", StatusCommand.class);
    commands.put("list", ListCommand.class);
    commands.put("cancel", CancelCommand.class);
    commands.put("delete", DeleteCommand.class);
    commands.put("schedule", ScheduleCommand.class);
    commands.put("events", EventsCommand.class);
    commands.put("logs", LogsCommand.class);
    commands.put("validate", ValidateCommand.class);
    commands.put("ui", UiCommand.class);
    commands.put("server", ServerCommand.class);
    commands.put("completion", CompletionCommand.class);
    commands.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(commands);
  }

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

  /** A configured command line over {@code context}, with every subcommand. */
  public static CommandLine commandLine(CliContext context) {
    return commandLine(context, new String[0]);
  }

  /**
   * A configured command line over {@code context} for {@code args}: with only the subcommand they
   * name when they start with one that needs no other (so not help or completion), else with all,
   * which usage, suggestions for a mistyped name and completion need.
   */
  public static CommandLine commandLine(CliContext context, String[] args) {
    CommandLine commandLine = new CommandLine(new CairnCommand(context));
    String first = args.length > 0 ? args[0] : "";
    Class<?> named = SUBCOMMANDS.get(first);
    if (named != null && !first.equals("help") && !first.equals("completion")) {
      commandLine.addSubcommand(first, named);
    } else {
      SUBCOMMANDS.forEach(commandLine::addSubcommand);
    }
    return configure(commandLine);
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
