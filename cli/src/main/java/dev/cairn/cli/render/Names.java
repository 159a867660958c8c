package dev.cairn.cli.render;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepStatus;
import java.util.Locale;

/** Enum values as people read them: {@code RUN_STATUS_SUCCEEDED} becomes {@code succeeded}. */
public final class Names {
  private Names() {}

  /** The run status without its prefix, in lower case. */
  public static String of(RunStatus status) {
    return strip(status.name(), "RUN_STATUS_");
  }

  /** The step status without its prefix, in lower case. */
  public static String of(StepStatus status) {
    return strip(status.name(), "STEP_STATUS_");
  }

  /** The failure reason without its prefix, in lower case with spaces. */
  public static String of(FailureReason reason) {
    return strip(reason.name(), "FAILURE_REASON_").replace('_', ' ');
  }

  private static String strip(String name, String prefix) {
    String bare = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    return bare.toLowerCase(Locale.ROOT);
  }
}
