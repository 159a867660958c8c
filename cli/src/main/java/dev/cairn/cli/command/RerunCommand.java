package dev.cairn.cli.command;

import dev.cairn.cli.client.CairnClient;
import dev.cairn.v1.RerunRunRequest;
import dev.cairn.v1.RerunRunResponse;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn rerun RUN}: takes a finished run up again as a new run linked to it, and follows
 * that run until it ends.
 */
@Command(
    name = "rerun",
    mixinStandardHelpOptions = true,
    description = {
      "Rerun a finished run as a new run linked to it, and follow it until it ends.",
      "Without --step, every step that did not succeed runs again, with its downstream; the"
          + " other steps keep their results (outputs included) and start no process. A run that"
          + " succeeded has none to run again: name its steps with --step.",
      "The original run is never changed. Exits as 'cairn run' does."
    })
public final class RerunCommand extends FollowingCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The finished run to rerun.")
  String runId;

  @Option(
      names = "--step",
      paramLabel = "S",
      description = "Run this step again, succeeded or not, with its downstream; repeatable.")
  List<String> steps = new ArrayList<>();

  @Option(
      names = {"-p", "--param"},
      paramLabel = "NAME=VALUE",
      description = "A new value for one of the run's parameters; the others keep theirs.")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description = "Idempotency key: rerunning again with the same key follows the same rerun.")
  String requestId = "";

  @Override
  public Integer call() {
    try (CairnClient client = connect()) {
      RerunRunResponse rerun =
          client
              .unary()
              .rerunRun(
                  RerunRunRequest.newBuilder()
                      .setRunId(runId)
                      .addAllSteps(steps)
                      .putAllParams(NameValues.of(params, "--param"))
                      .setRequestId(requestId)
                      .build());
      String announcement =
          rerun.getExisting()
              ? "following existing rerun "
              : "rerunning "
                  + String.join(", ", rerun.getRerunStepIdsList())
                  + " of "
                  + runId
                  + " as run ";
      return followRun(client, rerun.getRunId(), announcement);
    }
  }
}
