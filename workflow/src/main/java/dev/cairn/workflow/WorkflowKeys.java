package dev.cairn.workflow;

import java.util.Map;
import java.util.Set;

/**
 * The keys the format accepts, per mapping. The JSON Schema of the format
 * (docs/workflow.schema.json) is tested against this table, so the two cannot drift apart.
 */
public final class WorkflowKeys {
  public static final Set<String> WORKFLOW =
      Set.of(
          "name",
          "max_parallel",
          "fail_fast",
          "working_dir",
          "env",
          "defaults",
          "steps",
          "params",
          "timeout",
          "labels");
  public static final Set<String> DEFAULTS = Set.of("timeout", "retry");
  public static final Set<String> STEP =
      Set.of("id", "run", "argv", "depends_on", "timeout", "env", "retry", "run_if");
  public static final Set<String> PARAM = Set.of("name", "default", "description");
  public static final Set<String> RETRY =
      Set.of(
          "max_attempts",
          "initial_backoff",
          "multiplier",
          "max_backoff",
          "jitter",
          "retry_on_exit_codes");

  /** Each mapping of the format by the name its JSON Schema definition has. */
  public static final Map<String, Set<String>> BY_DEFINITION =
      Map.of(
          "workflow", WORKFLOW, "defaults", DEFAULTS, "step", STEP, "retry", RETRY, "param", PARAM);

  private WorkflowKeys() {}
}
