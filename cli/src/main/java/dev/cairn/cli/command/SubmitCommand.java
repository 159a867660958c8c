package dev.cairn.cli.command;

import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cairn submit FILE}: starts a run and prints its id. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Submit a workflow file and print the run id, without waiting for the run.")
public final class SubmitCommand extends ClientCommand {
  @Mixin SubmitOptions submission;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() throws Exception {
    SubmitRunRequest request = submission.request();
    try (CairnClient client = connect()) {
      SubmitRunResponse response = client.unary().submitRun(request);
      if (output.json()) {
        out().println(Json.line(response));
      } else {
        out().println(response.getRunId());
        if (response.getExisting()) {
          // Standard output stays the run id alone, for scripts; the note is for people.
          err()
              .println(
                  "cairn: request id '"
                      + request.getRequestId()
                      + "' already names run "
                      + response.getRunId()
                      + "; nothing new was submitted");
        }
      }
    }
    return ExitCodes.OK;
  }
}
