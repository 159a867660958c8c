package dev.cairn.workflow;

import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import java.util.List;

/** The workflow a SubmitRun request carries: its spec, or the spec parsed from its file text. */
public final class SubmitRequests {
  private SubmitRequests() {}

  /**
   * The spec to validate and run.
   *
   * @throws WorkflowFileException when the request sets both or misuses base_dir, or when its
   *     workflow_yaml does not parse
   */
  public static WorkflowSpec spec(SubmitRunRequest request) throws WorkflowFileException {
    boolean hasText = !request.getWorkflowYaml().isEmpty();
    if (hasText && request.hasSpec()) {
      throw requestProblem(
          "workflow_yaml", "set either spec or workflow_yaml, not both", "SPEC_AND_WORKFLOW_YAML");
    }
    if (!hasText) {
      if (!request.getBaseDir().isEmpty()) {
        throw requestProblem("base_dir", "only used with workflow_yaml", "INVALID_BASE_DIR");
      }
      return request.getSpec();
    }
    return WorkflowParser.parse(request.getWorkflowYaml(), request.getBaseDir());
  }

  private static WorkflowFileException requestProblem(String field, String message, String reason) {
    return new WorkflowFileException(List.of(new Problem(0, field, reason, message)));
  }
}
