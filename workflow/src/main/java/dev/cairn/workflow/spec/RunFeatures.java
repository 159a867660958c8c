package dev.cairn.workflow.spec;

import dev.cairn.v1.ParamSpec;
import dev.cairn.v1.RunIf;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of a spec's parameters, labels and trigger rules, for {@link SpecValidator}. */
public final class RunFeatures {
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
  private static final int MAX_LABEL_VALUE = 256;
  private static final int MAX_LABELS = 64;

  private RunFeatures() {}

  static void checkParams(WorkflowSpec spec) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.getParamsCount(); i++) {
      ParamSpec param = spec.getParams(i);
      String field = "params[" + i + "]";
      if (!Params.NAME.matcher(param.getName()).matches()) {
        throw new InvalidSpecException(
            "INVALID_PARAM",
            field + ".name",
            field
                + ".name: '"
                + param.getName()
                + "' must match [A-Za-z_][A-Za-z0-9_]{0,127} (it names a variable)");
      }
      if (!names.add(param.getName())) {
        throw new InvalidSpecException(
            "DUPLICATE_PARAM",
            field + ".name",
            field + ".name: duplicate parameter '" + param.getName() + "'");
      }
      if (param.hasDefaultValue()) {
        LaunchRules.checkEnv(
            "params", Map.of(Params.ENV_PREFIX + param.getName(), param.getDefaultValue()));
      }
    }
  }

  /** Labels of a spec ({@code labels}) or of a submit. */
  static void checkLabels(String field, Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      throw new InvalidSpecException(
          "INVALID_LABEL", field, field + ": more than " + MAX_LABELS + " labels");
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!LABEL_KEY.matcher(label.getKey()).matches()) {
        throw new InvalidSpecException(
            "INVALID_LABEL",
            field + "." + label.getKey(),
            field
                + ": '"
                + label.getKey()
                + "' is not a label key ([A-Za-z0-9][A-Za-z0-9._/-]{0,62})");
      }
      String value = label.getValue();
      // Characters as people count them: an emoji is one, not two UTF-16 units.
      if (value.codePointCount(0, value.length()) > MAX_LABEL_VALUE
          || value.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidSpecException(
            "INVALID_LABEL",
            field + "." + label.getKey(),
            field
                + "."
                + label.getKey()
                + ": a label value has at most "
                + MAX_LABEL_VALUE
                + " characters and no control character");
      }
    }
  }

  static void checkRunIf(StepSpec step, String field) {
    if (step.getRunIf() == RunIf.UNRECOGNIZED) {
      throw new InvalidSpecException(
          "INVALID_RUN_IF",
          field + ".run_if",
          field + ".run_if: unknown value " + step.getRunIfValue());
    }
  }

  /** The labels given at submit, checked like a spec's. */
  public static void checkSubmitLabels(Map<String, String> labels) {
    checkLabels("labels", labels);
  }
}
