package dev.cairn.workflow.spec;

import dev.cairn.v1.ParamSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A workflow's parameters: the values given at submit checked against the declared ones, defaults
 * applied. Steps see each as {@code CAIRN_PARAM_<name>} in their environment, never substituted
 * into a command, so a value is data and nothing a shell would interpret.
 */
public final class Params {
  /** The prefix of a parameter's variable in a step's environment. */
  public static final String ENV_PREFIX = "CAIRN_PARAM_";

  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private Params() {}

  /**
   * The values of a run: every declared parameter, from {@code given} or its default.
   *
   * @throws InvalidSpecException naming an unknown parameter (UNKNOWN_PARAM) or a required one left
   *     out (MISSING_PARAM)
   */
  public static Map<String, String> resolve(WorkflowSpec spec, Map<String, String> given) {
    Map<String, ParamSpec> declared = new TreeMap<>();
    for (ParamSpec param : spec.getParamsList()) {
      declared.put(param.getName(), param);
    }
    for (Map.Entry<String, String> entry : new TreeMap<>(given).entrySet()) {
      if (!declared.containsKey(entry.getKey())) {
        throw new InvalidSpecException(
            "UNKNOWN_PARAM",
            "params." + entry.getKey(),
            "params: the workflow has no parameter '" + entry.getKey() + "'");
      }
      LaunchRules.checkEnv("params", Map.of(ENV_PREFIX + entry.getKey(), entry.getValue()));
    }
    Map<String, String> values = new TreeMap<>();
    for (ParamSpec param : declared.values()) {
      String value = given.get(param.getName());
      if (value == null && param.hasDefaultValue()) {
        value = param.getDefaultValue();
      }
      if (value == null) {
        throw new InvalidSpecException(
            "MISSING_PARAM",
            "params." + param.getName(),
            "params: the required parameter '" + param.getName() + "' has no value");
      }
      values.put(param.getName(), value);
    }
    return values;
  }
}
