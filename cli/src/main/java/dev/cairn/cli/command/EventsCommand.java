package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.client.EventFollower;
import dev.cairn.cli.render.EventText;
import dev.cairn.cli.render.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn events [RUN]}: the event log of one run or of all runs. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Print events one per line: of one run, or of all runs when RUN is left out.",
      "With --follow, keep printing live events (for one run, until it ends)."
    })
public final class EventsCommand extends ClientCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "The run id.")
  String runId = "";

  @Option(
      names = "--after",
      paramLabel = "N",
      description =
          "Only events after this sequence number (the run's, or the global one without RUN).")
  long after;

  @Option(names = "--follow", description = "Keep streaming live events.")
  boolean follow;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    if (after < 0) {
      throw new CliException(ExitCodes.BAD_INPUT, "--after must not be negative");
    }
    boolean allRuns = runId.isEmpty();
    try (CairnClient client = connect()) {
      EventFollower follower =
          new EventFollower(client, runId, follow, notice -> err().println("cairn: " + notice));
      follower.stream(
          after,
          false,
          event -> {
            out()
                .println(
                    output.json()
                        ? Json.line(event)
                        : EventText.line(event, context().zone(), allRuns));
            out().flush();
            stopIfOutputClosed();
          });
    }
    return ExitCodes.OK;
  }
}
