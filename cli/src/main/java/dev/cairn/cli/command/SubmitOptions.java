package dev.cairn.cli.command;

import dev.cairn.cli.workflow.WorkflowFile;
import dev.cairn.cli.workflow.WorkflowFileException;
import dev.cairn.v1.SubmitRunRequest;
import java.nio.file.Path;
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

  /** Reads the workflow file into a submit request. */
  SubmitRunRequest request() throws WorkflowFileException {
    return SubmitRunRequest.newBuilder()
        .setSpec(WorkflowFile.parse(file))
        .setRequestId(requestId)
        .build();
  }
}
