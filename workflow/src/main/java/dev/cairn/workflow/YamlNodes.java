package dev.cairn.workflow;

import com.google.protobuf.Duration;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Typed reads from a composed YAML tree. A read that fails records a problem, with the line of the
 * offending node and its key path, and returns empty, so that parsing goes on and every problem of
 * a file is reported at once. Composed nodes keep their marks, which loaded maps would not.
 */
final class YamlNodes {
  private final List<Problem> problems = new ArrayList<>();

  List<Problem> problems() {
    return problems;
  }

  static int line(Node node) {
    return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
  }

  void problem(Node node, String path, String reason, String message) {
    problems.add(new Problem(line(node), path, reason, message));
  }

  private <T> Optional<T> wrongType(Node node, String path, String expected) {
    problem(node, path, "WRONG_TYPE", "expected " + expected + ", found " + describe(node));
    return Optional.empty();
  }

  /**
   * Reads a mapping with string keys. Unknown keys and duplicates are problems; keys whose value is
   * null are left out, so {@code timeout:} with nothing after it means "not set".
   */
  Map<String, Node> mapping(Node node, String path, Set<String> allowed) {
    Map<String, Node> values = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> entry : entries(node, path).entrySet()) {
      String key = entry.getKey();
      if (!allowed.contains(key)) {
        problem(
            entry.getValue().getKeyNode(),
            join(path, key),
            "UNKNOWN_KEY",
            "unknown key (known: " + String.join(", ", sorted(allowed)) + ")");
      } else if (!CoreSchema.isNull(entry.getValue().getValueNode())) {
        values.put(key, entry.getValue().getValueNode());
      }
    }
    return values;
  }

  /** The entries of a mapping by key text; a duplicate key is a problem and keeps the first. */
  Map<String, NodeTuple> entries(Node node, String path) {
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    if (!(node instanceof MappingNode mapping)) {
      wrongType(node, path, "a mapping (key: value)");
      return entries;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalarKey)) {
        problem(keyNode, path, "WRONG_TYPE", "keys must be plain strings");
        continue;
      }
      String key = scalarKey.getValue();
      if (entries.containsKey(key)) {
        problem(
            keyNode,
            join(path, key),
            "DUPLICATE_KEY",
            "duplicate key (first on line " + line(entries.get(key).getKeyNode()) + ")");
        continue;
      }
      entries.put(key, tuple);
    }
    return entries;
  }

  /**
   * A string: any scalar, taken as written. A plain {@code 42}, {@code yes} or {@code 0x1F} where a
   * string is expected is the text {@code 42}, {@code yes} or {@code 0x1F}, never a re-printed
   * number or boolean, so what a step sees is what the file says.
   */
  Optional<String> string(Node node, String path) {
    if (node instanceof ScalarNode scalar && !CoreSchema.isNull(node)) {
      return Optional.of(scalar.getValue());
    }
    return wrongType(node, path, "a string");
  }

  Optional<Boolean> bool(Node node, String path) {
    if (node instanceof ScalarNode scalar) {
      Optional<Boolean> value = CoreSchema.bool(scalar);
      if (value.isPresent()) {
        return value;
      }
    }
    return wrongType(node, path, "true or false");
  }

  Optional<Long> integer(Node node, String path, long min, long max) {
    if (node instanceof ScalarNode scalar) {
      Optional<BigInteger> value = CoreSchema.integer(scalar);
      if (value.isPresent()) {
        BigInteger parsed = value.get();
        if (parsed.compareTo(BigInteger.valueOf(min)) < 0
            || parsed.compareTo(BigInteger.valueOf(max)) > 0) {
          problem(
              node,
              path,
              "OUT_OF_RANGE",
              "must be between " + min + " and " + max + ", found " + scalar.getValue());
          return Optional.empty();
        }
        return Optional.of(parsed.longValueExact());
      }
    }
    return wrongType(node, path, "an integer");
  }

  Optional<Double> number(Node node, String path) {
    if (node instanceof ScalarNode scalar) {
      Optional<Double> value = CoreSchema.number(scalar);
      if (value.isPresent()) {
        if (!Double.isFinite(value.get())) {
          problem(node, path, "OUT_OF_RANGE", "must be a finite number, found " + describe(node));
          return Optional.empty();
        }
        return value;
      }
    }
    return wrongType(node, path, "a number");
  }

  /** A Go-style duration string, or a plain number of seconds. */
  Optional<Duration> duration(Node node, String path) {
    if (!(node instanceof ScalarNode scalar) || CoreSchema.isNull(node)) {
      return wrongType(node, path, "a duration");
    }
    Optional<Duration> parsed = GoDuration.parse(scalar.getValue());
    if (parsed.isEmpty()) {
      Optional<BigInteger> hexOrOctal = CoreSchema.integer(scalar);
      if (hexOrOctal.isPresent() && hexOrOctal.get().signum() >= 0) {
        parsed = GoDuration.parse(hexOrOctal.get().toString());
      }
    }
    if (parsed.isEmpty()) {
      problem(
          node,
          path,
          "INVALID_DURATION",
          "bad duration '"
              + scalar.getValue()
              + "' (expected e.g. 500ms, 1.5s, 2m, 1h30m or a number of seconds)");
    }
    return parsed;
  }

  /**
   * A list of strings; a single string stands for a list of one when {@code single} is true. A
   * problem in one item leaves the item out and reads on.
   */
  List<String> strings(Node node, String path, boolean single) {
    if (single && node instanceof ScalarNode) {
      return string(node, path).map(List::of).orElse(List.of());
    }
    List<String> values = new ArrayList<>();
    List<Node> items = sequence(node, path, single ? "a string or a list of strings" : "a list");
    for (int index = 0; index < items.size(); index++) {
      string(items.get(index), path + "[" + index + "]").ifPresent(values::add);
    }
    return values;
  }

  List<Node> sequence(Node node, String path, String expected) {
    if (node instanceof SequenceNode sequence) {
      return sequence.getValue();
    }
    wrongType(node, path, expected);
    return List.of();
  }

  /**
   * Environment variables: every value is a string taken as written (see {@link #string}); an empty
   * value ({@code NAME:} with nothing after it, {@code ~} or {@code null}) is the empty string.
   */
  Map<String, String> env(Node node, String path) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> entry : entries(node, path).entrySet()) {
      Node value = entry.getValue().getValueNode();
      if (CoreSchema.isNull(value)) {
        values.put(entry.getKey(), "");
      } else {
        string(value, join(path, entry.getKey()))
            .ifPresent(text -> values.put(entry.getKey(), text));
      }
    }
    return values;
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (CoreSchema.isNull(node)) {
      return "nothing";
    }
    ScalarNode scalar = (ScalarNode) node;
    return (scalar.isPlain() ? "'" : "the quoted string '") + scalar.getValue() + "'";
  }
}
