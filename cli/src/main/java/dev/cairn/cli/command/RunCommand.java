package dev.cairn.cli.command;

import dev.cairn.cli.client.CairnClient;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cairn run FILE}: submits a workflow and follows the run until it ends. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Submit a workflow file and follow the run live until it ends.",
      "Exits 0 if the run succeeded, 1 if it failed, 3 if it was cancelled.",
      "Ctrl-C detaches: the run goes on, and 'cairn cancel RUN' stops it."
    })
public final class RunCommand extends FollowingCommand {
  @Mixin SubmitOptions submission;

  @Override
  public Integer call() throws Exception {
    SubmitRunRequest request = submission.request();
    try (CairnClient client = connect()) {
      SubmitRunResponse submitted = client.unary().submitRun(request);
      return followRun(
          client,
          submitted.getRunId(),
          submitted.getExisting() ? "following existing run " : "submitted run ");
    }
  }
}
