package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ExitCodes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repeated {@code NAME=VALUE} options (parameters, labels), split at the first {@code =} and
 * nowhere else. Picocli's own map options treat quotes in the value as its quoting, and warn about
 * a value such as {@code who=a"b}; a parameter's value is the step's to read byte for byte.
 */
final class NameValues {
  private NameValues() {}

  static Map<String, String> of(List<String> pairs, String option) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : pairs) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new CliException(ExitCodes.BAD_INPUT, option + " '" + pair + "' is not NAME=VALUE");
      }
      String name = pair.substring(0, equals);
      // Given twice, one value would be dropped without a word: which one was meant is unknown.
      if (values.put(name, pair.substring(equals + 1)) != null) {
        throw new CliException(
            ExitCodes.BAD_INPUT, option + " " + name + " is given twice; give it once");
      }
    }
    return values;
  }
}
