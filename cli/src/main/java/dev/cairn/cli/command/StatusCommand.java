package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.RunText;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.Run;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn status RUN}: the state of one run. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a run: its status and every attempt of every step.")
public final class StatusCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    Run run;
    try (CairnClient client = connect()) {
      run = client.unary().getRun(GetRunRequest.newBuilder().setRunId(runId).build()).getRun();
    }
    if (output.json()) {
      out().println(Json.line(run));
    } else {
      RunText.lines(run, context().zone(), java.time.Instant.now()).forEach(out()::println);
    }
    return ExitCodes.OK;
  }
}
