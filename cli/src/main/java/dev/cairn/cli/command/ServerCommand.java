package dev.cairn.cli.command;

import dev.cairn.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cairn server}: listed here so that {@code cairn --help} shows it. The {@code cairn}
 * launcher starts the server itself before this program is reached; this command only answers when
 * the CLI jar is run directly.
 */
@Command(
    name = "server",
    description = "Run the Cairn server in the foreground (see 'cairn server --help').",
    mixinStandardHelpOptions = true)
public final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println(
            "cairn: the server is started by the cairn launcher (bin/cairn server), not by the CLI"
                + " jar");
    return ExitCodes.BAD_INPUT;
  }
}
