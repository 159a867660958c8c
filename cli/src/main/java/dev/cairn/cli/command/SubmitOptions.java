package dev.cairn.cli.command;

import dev.cairn.cli.workflow.InvalidWorkflowFile;
import dev.cairn.cli.workflow.LocalWorkflow;
import dev.cairn.v1.SubmitRunRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The workflow file and idempotency key that {@code submit} and {@code run} share. */
public final class SubmitOptions {
  @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file (YAML).")
  Path file;

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description =
          "Idempotency key: submitting again with the same key returns (and run follows) the same"
              + " run.")
  String requestId = "";

  @Option(
      names = {"-p", "--param"},
      paramLabel = "NAME=VALUE",
      description =
          "A value of one of the workflow's parameters; repeatable. Steps see it as"
              + " CAIRN_PARAM_NAME in their environment.")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "A label for the run, over the workflow's own; repeatable.")
  List<String> labels = new ArrayList<>();

  /**
   * Reads the workflow file into a submit request. The file is parsed here first, so that a bad
   * file is reported with its name and every problem, server or not; the request then carries the
   * text, which the server parses with the same rules.
   */
  SubmitRunRequest request() throws InvalidWorkflowFile {
    LocalWorkflow workflow = LocalWorkflow.read(file);
    workflow.parse();
    return workflow
        .request()
        .setRequestId(requestId)
        .putAllParams(NameValues.of(params, "--param"))
        .putAllLabels(NameValues.of(labels, "--label"))
        .build();
  }
}
