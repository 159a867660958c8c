package dev.cairn.workflow.spec;

import dev.cairn.v1.StepSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the process launcher and the kernel would refuse, checked before anything is recorded: a
 * spec that passes here never fails at its launch for its own text. A command line and an
 * environment are C strings, so no NUL may appear in them; the variables the server sets are the
 * server's; and the kernel refuses a single argument or environment entry of 128 KiB or more
 * (MAX_ARG_STRLEN).
 */
final class LaunchRules {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The largest argument or {@code NAME=value} entry accepted, in UTF-8 bytes: the kernel's 128 KiB
   * less its terminating NUL and room for the line the wrapper launcher puts before a shell command
   * (its {@code ulimit}).
   */
  static final int MAX_STRING_BYTES = 128 * 1024 - 256;

  private LaunchRules() {}

  static void checkName(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new InvalidSpecException("INVALID_NAME", "name", "name: contains a NUL character");
    }
  }

  static void checkWorkingDir(String workingDir) {
    if (workingDir.indexOf('\0') >= 0) {
      throw new InvalidSpecException(
          "INVALID_WORKING_DIR", "working_dir", "working_dir: contains a NUL character");
    }
  }

  /** The command of a step that has one; {@code where} names the step in messages. */
  static void checkCommand(StepSpec step, String field, String where) {
    switch (step.getCommandCase()) {
      case RUN -> checkArgument(step.getRun(), field + ".run", where + ": run");
      case ARGV -> {
        for (int i = 0; i < step.getArgv().getArgsCount(); i++) {
          String argument = field + ".argv[" + i + "]";
          checkArgument(step.getArgv().getArgs(i), argument, where + ": argv[" + i + "]");
        }
      }
      case COMMAND_NOT_SET -> {}
    }
  }

  private static void checkArgument(String value, String field, String what) {
    if (value.indexOf('\0') >= 0) {
      throw new InvalidSpecException(
          "INVALID_COMMAND", field, what + " contains a NUL character, which no command can carry");
    }
    if (tooLong(value)) {
      throw new InvalidSpecException(
          "INVALID_COMMAND",
          field,
          what + " is longer than " + MAX_STRING_BYTES + " bytes, the most one argument can hold");
    }
  }

  /** The variables of the workflow ({@code env}) or of a step ({@code steps[i].env}). */
  static void checkEnv(String field, Map<String, String> env) {
    for (Map.Entry<String, String> entry : env.entrySet()) {
      String name = entry.getKey();
      if (!ENV_NAME.matcher(name).matches()) {
        throw new InvalidSpecException(
            "INVALID_ENV",
            field,
            field
                + ": '"
                + printable(name)
                + "' is not a valid variable name (letters, digits and _, not starting with a"
                + " digit)");
      }
      String variable = field + "." + name;
      if (StepEnvironment.RESERVED.contains(name)) {
        throw new InvalidSpecException(
            "RESERVED_ENV",
            variable,
            variable
                + ": "
                + name
                + " is set by the server for every step and cannot be set by a workflow");
      }
      for (String prefix : StepEnvironment.RESERVED_PREFIXES) {
        if (name.startsWith(prefix) && !field.equals("params")) {
          throw new InvalidSpecException(
              "RESERVED_ENV",
              variable,
              variable
                  + ": names starting with "
                  + prefix
                  + " are set by the server (parameters and outputs)");
        }
      }
      String value = entry.getValue();
      if (value.indexOf('\0') >= 0) {
        throw new InvalidSpecException(
            "INVALID_ENV", variable, variable + ": value contains a NUL character");
      }
      if (tooLong(name + "=" + value)) {
        throw new InvalidSpecException(
            "INVALID_ENV",
            variable,
            variable
                + ": longer than "
                + MAX_STRING_BYTES
                + " bytes, the most one variable can hold");
      }
    }
  }

  private static boolean tooLong(String value) {
    // A UTF-8 character takes at most three bytes per UTF-16 unit: count only when it matters.
    return value.length() > MAX_STRING_BYTES / 3
        && value.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES;
  }

  /** A name as it can be shown in one line: control characters escaped. */
  private static String printable(String value) {
    StringBuilder text = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char character = value.charAt(i);
      if (Character.isISOControl(character)) {
        text.append(String.format("\\x%02x", (int) character));
      } else {
        text.append(character);
      }
    }
    return text.toString();
  }
}
