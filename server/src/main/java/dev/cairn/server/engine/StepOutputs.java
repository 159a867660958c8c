package dev.cairn.server.engine;

import dev.cairn.workflow.spec.StepEnvironment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A step's outputs: what it wrote to the file named by {@code $CAIRN_OUTPUT}. Pure. Each line is
 * {@code key=value}, or a multi-line value as {@code key<<DELIMITER}, its lines, then a line that
 * is exactly {@code DELIMITER} (the form of GitHub Actions' {@code $GITHUB_OUTPUT}). Empty lines
 * are ignored; a key written twice keeps its last value. Keys match {@code [A-Za-z_][A-Za-z0-9_]*}.
 * The file is capped at {@link #MAX_BYTES}: larger, the step fails with reason OUTPUTS.
 *
 * <p>A step downstream sees each output as {@code CAIRN_OUT_<step>_<key>}, the step id with every
 * {@code .} and {@code -} made {@code _}, and all of its upstream outputs as one JSON file, {@code
 * $CAIRN_INPUTS}: {@code {"step": {"key": "value"}}}.
 */
public final class StepOutputs {
  /** The variable naming the file a step writes its outputs to. */
  public static final String FILE_VARIABLE = StepEnvironment.OUTPUT_FILE;

  /** The variable naming the JSON file of every upstream step's outputs. */
  public static final String INPUTS_VARIABLE = StepEnvironment.INPUTS_FILE;

  /** The prefix of an upstream output's variable. */
  public static final String ENV_PREFIX = StepEnvironment.OUTPUT_PREFIX;

  /** The largest outputs file recorded, in bytes. */
  public static final int MAX_BYTES = 16 * 1024;

  /**
   * The most a run's outputs may hold together (UTF-8 bytes of keys and values), those it carries
   * over from an earlier run included. Every read of a run answers with all of them, and a rerun's
   * first event carries those it keeps: 10,000 steps of 16 KiB each made a GetRun answer of 160 MB,
   * which ran the heap out, and a rerun event too large for gRPC to deliver.
   */
  public static final long MAX_RUN_BYTES = 4L << 20;

  /** UTF-8 bytes of {@code outputs}' keys and values. */
  public static long bytes(Map<String, String> outputs) {
    long bytes = 0;
    for (Map.Entry<String, String> output : outputs.entrySet()) {
      bytes +=
          output.getKey().getBytes(StandardCharsets.UTF_8).length
              + output.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes;
  }

  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private StepOutputs() {}

  /** The outcome of reading an outputs file: the values, or why they cannot be recorded. */
  public record Parsed(Map<String, String> outputs, String problem) {
    public Parsed {
      outputs = Map.copyOf(outputs);
    }

    static Parsed failed(String problem) {
      return new Parsed(Map.of(), problem);
    }
  }

  /** Parses the bytes of an outputs file; {@code size} is its full size on disk. */
  public static Parsed parse(byte[] bytes, long size) {
    if (size > MAX_BYTES) {
      return Parsed.failed(
          "the outputs file ($CAIRN_OUTPUT) has "
              + size
              + " bytes; the limit is "
              + MAX_BYTES
              + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return Parsed.failed("the outputs file ($CAIRN_OUTPUT) is not UTF-8 text");
    }
    if (text.indexOf('\0') >= 0) {
      return Parsed.failed("the outputs file ($CAIRN_OUTPUT) contains a NUL character");
    }
    Map<String, String> outputs = new TreeMap<>();
    String[] lines = text.split("\n", -1);
    for (int index = 0; index < lines.length; index++) {
      String line = stripCr(lines[index]);
      if (line.isEmpty()) {
        continue;
      }
      int heredoc = line.indexOf("<<");
      int equals = line.indexOf('=');
      if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
        String key = line.substring(0, heredoc);
        String delimiter = line.substring(heredoc + 2);
        if (!KEY.matcher(key).matches() || delimiter.isEmpty()) {
          return malformed(index, "expected key<<DELIMITER with a key of letters, digits and _");
        }
        StringBuilder value = new StringBuilder();
        int end = index + 1;
        while (end < lines.length && !stripCr(lines[end]).equals(delimiter)) {
          if (end > index + 1) {
            value.append('\n');
          }
          value.append(stripCr(lines[end]));
          end++;
        }
        if (end == lines.length) {
          return malformed(index, "no line '" + delimiter + "' ends the value of '" + key + "'");
        }
        outputs.put(key, value.toString());
        index = end;
      } else if (equals > 0) {
        String key = line.substring(0, equals);
        if (!KEY.matcher(key).matches()) {
          return malformed(index, "'" + key + "' is not a key (letters, digits and _)");
        }
        outputs.put(key, line.substring(equals + 1));
      } else {
        return malformed(index, "expected key=value or key<<DELIMITER");
      }
    }
    return new Parsed(outputs, "");
  }

  /** The variable an upstream step's output is seen under. */
  public static String variable(String stepId, String key) {
    return ENV_PREFIX + stepId.replace('.', '_').replace('-', '_') + "_" + key;
  }

  /**
   * The outputs of every step upstream of {@code stepId}, transitively, by step id in spec order:
   * what the step sees in its environment and in {@code $CAIRN_INPUTS}.
   */
  public static Map<String, Map<String, String>> upstreamOf(RunState state, String stepId) {
    RunPlan plan = state.plan();
    BitSet seen = new BitSet(plan.size());
    Deque<Integer> queue = new ArrayDeque<>();
    queue.add(plan.indexOf(stepId));
    while (!queue.isEmpty()) {
      for (int up : plan.upstream(queue.poll())) {
        if (!seen.get(up)) {
          seen.set(up);
          queue.add(up);
        }
      }
    }
    Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    seen.stream()
        .forEach(
            position -> {
              StepState step = state.step(position);
              if (!step.outputs().isEmpty()) {
                outputs.put(step.id(), new TreeMap<>(step.outputs()));
              }
            });
    return outputs;
  }

  /** The upstream outputs as the JSON object of {@code $CAIRN_INPUTS}. */
  public static String inputsJson(Map<String, Map<String, String>> upstream) {
    StringBuilder json = new StringBuilder("{");
    boolean firstStep = true;
    for (Map.Entry<String, Map<String, String>> step : upstream.entrySet()) {
      json.append(firstStep ? "" : ",").append(quote(step.getKey())).append(":{");
      firstStep = false;
      boolean firstKey = true;
      for (Map.Entry<String, String> output : step.getValue().entrySet()) {
        json.append(firstKey ? "" : ",")
            .append(quote(output.getKey()))
            .append(':')
            .append(quote(output.getValue()));
        firstKey = false;
      }
      json.append('}');
    }
    return json.append("}\n").toString();
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char character = text.charAt(i);
      switch (character) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (character < 0x20) {
            quoted.append(String.format("\\u%04x", (int) character));
          } else {
            quoted.append(character);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static Parsed malformed(int index, String why) {
    return Parsed.failed("the outputs file ($CAIRN_OUTPUT), line " + (index + 1) + ": " + why);
  }
}
