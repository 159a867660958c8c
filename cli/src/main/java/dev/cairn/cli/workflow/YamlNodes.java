package dev.cairn.cli.workflow;

import com.google.protobuf.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed reads from a composed YAML tree. Every failure names the file, the line of the offending
 * node and its key path, because the composed nodes keep their marks while loaded maps would not.
 */
final class YamlNodes {
  private final String fileName;

  YamlNodes(String fileName) {
    this.fileName = fileName;
  }

  /** True for an explicit or implicit YAML null ({@code key:} with nothing after it). */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  WorkflowFileException error(Node node, String path, String problem) {
    int line = node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    String where = path.isEmpty() ? "" : path + ": ";
    return new WorkflowFileException(fileName + ":" + line + ": " + where + problem);
  }

  /**
   * Reads a mapping with string keys, rejecting keys outside {@code allowed} and duplicates. Keys
   * whose value is null are left out, so {@code env:} with nothing after it means "not set".
   */
  Map<String, Node> mapping(Node node, String path, Set<String> allowed)
      throws WorkflowFileException {
    Entries entries = entries(node, path);
    for (Map.Entry<String, Node> key : entries.keys().entrySet()) {
      if (!allowed.contains(key.getKey())) {
        throw error(key.getValue(), join(path, key.getKey()), "unknown key");
      }
    }
    Map<String, Node> values = new LinkedHashMap<>(entries.values());
    values.values().removeIf(YamlNodes::isNull);
    return values;
  }

  /**
   * The entries of a mapping, with the key nodes kept apart so that an unknown key is reported on
   * the line of the key rather than of its value.
   */
  private record Entries(Map<String, Node> values, Map<String, Node> keys) {}

  private Entries entries(Node node, String path) throws WorkflowFileException {
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path, "expected a mapping (key: value), found " + describe(node));
    }
    Map<String, Node> values = new LinkedHashMap<>();
    Map<String, Node> keys = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalarKey)) {
        throw error(keyNode, path, "keys must be plain strings");
      }
      String key = scalarKey.getValue();
      if (values.containsKey(key)) {
        throw error(keyNode, join(path, key), "duplicate key");
      }
      values.put(key, tuple.getValueNode());
      keys.put(key, keyNode);
    }
    return new Entries(values, keys);
  }

  String string(Node node, String path) throws WorkflowFileException {
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, path, "expected a string, found " + describe(node));
    }
    return scalar.getValue();
  }

  boolean bool(Node node, String path) throws WorkflowFileException {
    String value = scalar(node, path, "true or false");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(node, path, "expected true or false, found '" + value + "'");
    };
  }

  long integer(Node node, String path, long min, long max) throws WorkflowFileException {
    String value = scalar(node, path, "an integer");
    long parsed;
    try {
      parsed = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(node, path, "expected an integer, found '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw error(node, path, "must be between " + min + " and " + max + ", found " + parsed);
    }
    return parsed;
  }

  double number(Node node, String path) throws WorkflowFileException {
    String value = scalar(node, path, "a number");
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the value that was found.
    }
    throw error(node, path, "expected a number, found '" + value + "'");
  }

  Duration duration(Node node, String path) throws WorkflowFileException {
    String value = scalar(node, path, "a duration");
    return GoDuration.parse(value)
        .orElseThrow(
            () ->
                error(
                    node,
                    path,
                    "bad duration '"
                        + value
                        + "' (expected e.g. 500ms, 1.5s, 2m, 1h30m or a number of seconds)"));
  }

  /** A list of strings; a single string stands for a list of one when {@code single} is true. */
  List<String> strings(Node node, String path, boolean single) throws WorkflowFileException {
    if (single && node instanceof ScalarNode) {
      return List.of(string(node, path));
    }
    List<String> values = new ArrayList<>();
    List<Node> items = sequence(node, path, single ? "a string or a list of strings" : "a list");
    for (int index = 0; index < items.size(); index++) {
      values.add(string(items.get(index), path + "[" + index + "]"));
    }
    return values;
  }

  List<Node> sequence(Node node, String path, String expected) throws WorkflowFileException {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(node, path, "expected " + expected + ", found " + describe(node));
    }
    return sequence.getValue();
  }

  /** A mapping of names to scalar values; numbers and booleans are kept as written. */
  Map<String, String> stringMap(Node node, String path) throws WorkflowFileException {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, Node> entry : entries(node, path).values().entrySet()) {
      String entryPath = join(path, entry.getKey());
      Node value = entry.getValue();
      values.put(entry.getKey(), isNull(value) ? "" : string(value, entryPath));
    }
    return values;
  }

  private String scalar(Node node, String path, String expected) throws WorkflowFileException {
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, path, "expected " + expected + ", found " + describe(node));
    }
    return scalar.getValue().trim();
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "'" + ((ScalarNode) node).getValue() + "'";
  }
}
