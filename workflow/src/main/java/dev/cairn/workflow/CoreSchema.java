package dev.cairn.workflow;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * How a scalar resolves under the YAML 1.2 core schema (YAML 1.2.2, section 10.3.2). Only plain
 * (unquoted) scalars resolve to null, booleans and numbers; a quoted scalar is always a string. So
 * {@code yes}, {@code on} and {@code 1:30} are strings (they were a boolean and 90 in YAML 1.1),
 * {@code 0x1F} and {@code 0o17} are integers, and {@code "4"} is a string.
 */
final class CoreSchema {
  private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
  private static final Pattern TRUE = Pattern.compile("true|True|TRUE");
  private static final Pattern FALSE = Pattern.compile("false|False|FALSE");
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern OCTAL = Pattern.compile("0o[0-7]+");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern NON_FINITE =
      Pattern.compile("[-+]?(\\.inf|\\.Inf|\\.INF)|\\.nan|\\.NaN|\\.NAN");

  private CoreSchema() {}

  static boolean isPlain(Node node) {
    return node instanceof ScalarNode scalar && scalar.isPlain();
  }

  /** True for a plain null: {@code key:} with nothing after it, {@code ~} or {@code null}. */
  static boolean isNull(Node node) {
    return isPlain(node) && NULL.matcher(((ScalarNode) node).getValue()).matches();
  }

  static Optional<Boolean> bool(ScalarNode node) {
    if (!node.isPlain()) {
      return Optional.empty();
    }
    if (TRUE.matcher(node.getValue()).matches()) {
      return Optional.of(true);
    }
    return FALSE.matcher(node.getValue()).matches() ? Optional.of(false) : Optional.empty();
  }

  static Optional<BigInteger> integer(ScalarNode node) {
    if (!node.isPlain()) {
      return Optional.empty();
    }
    String text = node.getValue();
    if (DECIMAL.matcher(text).matches()) {
      return Optional.of(new BigInteger(text.startsWith("+") ? text.substring(1) : text));
    }
    if (OCTAL.matcher(text).matches()) {
      return Optional.of(new BigInteger(text.substring(2), 8));
    }
    if (HEX.matcher(text).matches()) {
      return Optional.of(new BigInteger(text.substring(2), 16));
    }
    return Optional.empty();
  }

  /** A core int or float; {@code .inf} and {@code .nan} resolve, and callers refuse them. */
  static Optional<Double> number(ScalarNode node) {
    Optional<BigInteger> integer = integer(node);
    if (integer.isPresent()) {
      return Optional.of(integer.get().doubleValue());
    }
    if (!node.isPlain()) {
      return Optional.empty();
    }
    String text = node.getValue();
    if (FLOAT.matcher(text).matches()) {
      return Optional.of(Double.parseDouble(text));
    }
    if (NON_FINITE.matcher(text).matches()) {
      // No policy takes an infinite or undefined number; one value is enough to refuse them.
      return Optional.of(Double.NaN);
    }
    return Optional.empty();
  }
}
