package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn logs RUN STEP}: an attempt's output, byte for byte. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Print the output (stdout and stderr) of a step's attempt as it was written.")
public final class LogsCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Parameters(index = "1", paramLabel = "STEP", description = "The step id.")
  String stepId;

  @Option(
      names = "--attempt",
      paramLabel = "N",
      description = "The attempt number (default: the latest).")
  int attempt;

  @Option(
      names = "--follow",
      description =
          "Keep printing until the attempt has finished; wait for it first if it has not"
              + " started (a step that ends without running exits 2).")
  boolean follow;

  @Override
  public Integer call() throws IOException {
    if (attempt < 0) {
      throw new CliException(ExitCodes.BAD_INPUT, "--attempt must not be negative");
    }
    out().flush();
    OutputStream raw = context().rawOut();
    try (CairnClient client = connect()) {
      Iterator<StreamLogsResponse> chunks =
          client
              .streaming()
              .streamLogs(
                  StreamLogsRequest.newBuilder()
                      .setRunId(runId)
                      .setStepId(stepId)
                      .setAttempt(attempt)
                      .setFollow(follow)
                      .build());
      while (chunks.hasNext()) {
        chunks.next().getData().writeTo(raw);
        raw.flush();
        stopIfOutputClosed();
      }
    }
    return ExitCodes.OK;
  }
}
