package dev.cairn.workflow.spec;

import java.util.List;

/**
 * The variables the server itself sets in every step's environment. A spec may not set them: the
 * launcher refuses a request that carries its own marker, and a step must be able to trust that
 * these name its run, step and attempt.
 */
public final class StepEnvironment {
  /** The run's id. */
  public static final String RUN_ID = "CAIRN_RUN_ID";

  /** The step's id. */
  public static final String STEP_ID = "CAIRN_STEP_ID";

  /** The attempt's number, from 1. */
  public static final String ATTEMPT = "CAIRN_ATTEMPT";

  /**
   * The marker naming the store and the attempt, by which the supervisor finds processes that left
   * the step's process group; the same name as {@code LaunchRequest.MARKER_VARIABLE}.
   */
  public static final String MARKER = "CAIRN_MARKER";

  /** The file the attempt writes its outputs to, {@code key=value} lines. */
  public static final String OUTPUT_FILE = "CAIRN_OUTPUT";

  /** The file holding the outputs of every step upstream of the attempt, as JSON. */
  public static final String INPUTS_FILE = "CAIRN_INPUTS";

  /** The prefix of the variables carrying upstream outputs: {@code CAIRN_OUT_<step>_<key>}. */
  public static final String OUTPUT_PREFIX = "CAIRN_OUT_";

  /** Every name above: a spec that sets one is refused. */
  public static final List<String> RESERVED =
      List.of(RUN_ID, STEP_ID, ATTEMPT, MARKER, OUTPUT_FILE, INPUTS_FILE);

  /** The prefixes of the variables of parameters and outputs, which a spec may not set either. */
  public static final List<String> RESERVED_PREFIXES = List.of(Params.ENV_PREFIX, OUTPUT_PREFIX);

  private StepEnvironment() {}
}
