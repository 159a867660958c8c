package dev.cairn.workflow;

import dev.cairn.v1.Argv;
import dev.cairn.v1.ParamSpec;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.RunIf;
import dev.cairn.v1.StepDefaults;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.io.StringReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The one parser of workflow files: YAML 1.2 text in, a resolved {@link WorkflowSpec} out. The
 * server runs it on the text clients send, and the CLI runs it to validate offline, so a file means
 * the same everywhere. The rules are in docs/workflow.md.
 *
 * <p>It checks the shape: YAML syntax, unknown and duplicate keys, types under the YAML 1.2 core
 * schema, durations, ranges, a step with both {@code run} and {@code argv}, and the working
 * directory. Whether the DAG makes sense is {@link WorkflowGraph}'s (offline) and the server's
 * validator's business.
 */
public final class WorkflowParser {
  /**
   * The most text a file may hold, and the most its aliases may expand it to: far above any spec a
   * server takes (the server's validator states that limit), far below what would cost the parser
   * or the serializer more than a moment.
   */
  public static final int CODE_POINT_LIMIT = 64 * 1024 * 1024;

  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  private static final long MAX_BUFFER_CHARS = 4L << 20;

  /** Far deeper than the format goes, far shallower than a thread's stack allows. */
  private static final int MAX_DEPTH = 64;

  private final YamlNodes nodes = new YamlNodes();
  private final List<Integer> stepLines = new ArrayList<>();
  private final String baseDir;

  private WorkflowParser(String baseDir) {
    this.baseDir = baseDir;
  }

  /** A parsed file: its spec and, for each step, the line it starts on. */
  record Parsed(WorkflowSpec spec, List<Integer> stepLines, List<Problem> problems) {}

  /**
   * Parses a workflow file's text.
   *
   * @param baseDir the absolute directory the file was read from, against which a relative {@code
   *     working_dir} resolves and which is the working directory when the file names none; empty
   *     when the text came from no file, and then {@code working_dir} must be absolute or unset
   * @throws WorkflowFileException listing every problem, in file order
   */
  public static WorkflowSpec parse(String text, String baseDir) throws WorkflowFileException {
    Parsed parsed = parseCollecting(text, baseDir);
    if (!parsed.problems().isEmpty()) {
      throw new WorkflowFileException(parsed.problems());
    }
    return parsed.spec();
  }

  /**
   * Every problem of the file, the DAG's included (unique ids, known dependencies, no cycle, one
   * command per step): what {@code cairn validate} reports without a server. Empty for a good file.
   */
  public static List<Problem> check(String text, String baseDir) {
    Parsed parsed = parseCollecting(text, baseDir);
    List<Problem> problems = new ArrayList<>(parsed.problems());
    if (parsed.spec() != null) {
      List<Problem> graph = WorkflowGraph.check(parsed.spec(), parsed.stepLines());
      // "No steps" after a file whose steps could not be read would only repeat that problem.
      graph.removeIf(problem -> !problems.isEmpty() && problem.reason().equals("NO_STEPS"));
      problems.addAll(graph);
    }
    return problems;
  }

  static Parsed parseCollecting(String text, String baseDir) {
    return new WorkflowParser(baseDir).read(text);
  }

  private Parsed read(String text) {
    Optional<Node> root;
    // The reader keeps a scalar's text in a window that it copies whole at each refill of its
    // buffer, so a long line costs (length / buffer) copies of itself: a small buffer made a ten
    // megabyte line take minutes. A buffer sized to the text, up to 4 Mi chars, keeps it linear
    // for what the server accepts without allocating much for the usual small file.
    int bufferSize = (int) Math.min(Math.max(text.length() + 1L, 1024L), MAX_BUFFER_CHARS);
    LoadSettings settings =
        LoadSettings.builder()
            .setCodePointLimit(CODE_POINT_LIMIT)
            .setBufferSize(bufferSize)
            .build();
    try {
      Optional<Problem> beyondLimits = beyondLimits(settings, text);
      if (beyondLimits.isPresent()) {
        return failed(beyondLimits.get());
      }
      root = new Compose(settings).composeReader(new StringReader(text));
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(mark -> mark.getLine() + 1).orElse(0);
      return failed(new Problem(line, "", "INVALID_YAML", "invalid YAML: " + e.getProblem()));
    } catch (YamlEngineException e) {
      return failed(new Problem(0, "", "INVALID_YAML", "invalid YAML: " + firstLine(e)));
    }
    if (root.isEmpty() || CoreSchema.isNull(root.get())) {
      return failed(new Problem(1, "", "EMPTY_FILE", "the file is empty"));
    }
    if (!baseDir.isEmpty() && !isAbsolute(baseDir)) {
      nodes.problems().add(new Problem(0, "base_dir", "INVALID_BASE_DIR", notAbsolute(baseDir)));
    }
    WorkflowSpec spec = workflow(root.get());
    // Reads go by key, not by position, so sort (stably) to report in file order.
    List<Problem> problems = new ArrayList<>(nodes.problems());
    problems.sort(Comparator.comparingInt(Problem::line));
    return new Parsed(spec, List.copyOf(stepLines), List.copyOf(problems));
  }

  /**
   * Measured on the flat event stream before the composer builds anything. The composer recurses
   * once per level of nesting, so text nested deeply enough (a megabyte of {@code [}) would
   * overflow the stack of whichever thread parses it; the format itself never nests beyond a
   * handful of levels. And aliases may not expand the text past what a file may hold (see {@link
   * Expansion}).
   */
  private static Optional<Problem> beyondLimits(LoadSettings settings, String text) {
    int depth = 0;
    Expansion expansion = new Expansion();
    for (Event event : new Parse(settings).parseReader(new StringReader(text))) {
      if (event instanceof CollectionStartEvent start) {
        depth++;
        if (depth > MAX_DEPTH) {
          return Optional.of(
              new Problem(
                  lineOf(event),
                  "",
                  "INVALID_YAML",
                  "nested deeper than " + MAX_DEPTH + " levels"));
        }
        expansion.start(start.getAnchor());
      } else if (event instanceof CollectionEndEvent) {
        depth--;
        expansion.end();
      } else if (event instanceof ScalarEvent scalar) {
        expansion.scalar(scalar.getAnchor(), scalar.getValue().length());
      } else if (event instanceof AliasEvent alias) {
        expansion.alias(alias.getAlias());
      }
      if (expansion.aliased && expansion.total > CODE_POINT_LIMIT) {
        return Optional.of(
            new Problem(
                lineOf(event),
                "",
                "SPEC_TOO_LARGE",
                "the file's aliases expand it to more than " + CODE_POINT_LIMIT + " characters"));
      }
    }
    return Optional.empty();
  }

  private static int lineOf(Event event) {
    return event.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
  }

  /**
   * The characters of the file's scalars, each alias counted as the text of what its anchor names:
   * a few kilobytes of aliases to a long scalar would otherwise make a spec of gigabytes, all of it
   * shared in memory until something serializes it. Aliases to collections are bounded the same way
   * (the composer also caps how many there are).
   */
  private static final class Expansion {
    private final Map<Anchor, Long> anchored = new java.util.HashMap<>();
    private final java.util.ArrayDeque<Open> open = new java.util.ArrayDeque<>();
    long total;
    // Without aliases the text is its own measure, and the reader's limit says so.
    boolean aliased;

    /** A collection not yet ended: the total when it started, and its anchor if it has one. */
    private record Open(long start, Optional<Anchor> anchor) {}

    void start(Optional<Anchor> anchor) {
      open.push(new Open(total, anchor));
    }

    void end() {
      Open ended = open.poll();
      if (ended != null) {
        ended.anchor().ifPresent(anchor -> anchored.put(anchor, total - ended.start()));
      }
    }

    void scalar(Optional<Anchor> anchor, int length) {
      total += length;
      anchor.ifPresent(name -> anchored.put(name, (long) length));
    }

    void alias(Anchor anchor) {
      aliased = true;
      total += anchored.getOrDefault(anchor, 0L);
    }
  }

  private static Parsed failed(Problem problem) {
    return new Parsed(null, List.of(), List.of(problem));
  }

  private WorkflowSpec workflow(Node root) {
    Map<String, Node> keys = nodes.mapping(root, "", WorkflowKeys.WORKFLOW);
    WorkflowSpec.Builder spec = WorkflowSpec.newBuilder();
    if (keys.containsKey("name")) {
      nodes.string(keys.get("name"), "name").ifPresent(spec::setName);
      if (ControlCharacters.present(spec.getName())) {
        // The server refuses it too; printed in listings, it could rewrite a terminal.
        nodes.problem(keys.get("name"), "name", "INVALID_NAME", ControlCharacters.IN_NAME);
      }
    }
    if (keys.containsKey("max_parallel")) {
      nodes
          .integer(keys.get("max_parallel"), "max_parallel", 0, UINT32_MAX)
          .ifPresent(value -> spec.setMaxParallel(value.intValue()));
    }
    if (keys.containsKey("fail_fast")) {
      nodes.bool(keys.get("fail_fast"), "fail_fast").ifPresent(spec::setFailFast);
    }
    workingDir(keys.get("working_dir")).ifPresent(spec::setWorkingDir);
    if (keys.containsKey("env")) {
      spec.putAllEnv(nodes.env(keys.get("env"), "env"));
    }
    if (keys.containsKey("defaults")) {
      spec.setDefaults(defaults(keys.get("defaults")));
    }
    if (keys.containsKey("timeout")) {
      nodes.duration(keys.get("timeout"), "timeout").ifPresent(spec::setTimeout);
    }
    if (keys.containsKey("labels")) {
      spec.putAllLabels(nodes.env(keys.get("labels"), "labels"));
    }
    if (keys.containsKey("params")) {
      List<Node> params = nodes.sequence(keys.get("params"), "params", "a list of parameters");
      for (int index = 0; index < params.size(); index++) {
        spec.addParams(param(params.get(index), "params[" + index + "]"));
      }
    }
    if (keys.containsKey("steps")) {
      List<Node> steps = nodes.sequence(keys.get("steps"), "steps", "a list of steps");
      for (int index = 0; index < steps.size(); index++) {
        stepLines.add(YamlNodes.line(steps.get(index)));
        spec.addSteps(step(steps.get(index), "steps[" + index + "]"));
      }
    }
    return spec.build();
  }

  /** Relative directories are taken from the workflow file's directory, as includes are. */
  private Optional<String> workingDir(Node node) {
    if (node == null) {
      return Optional.of(isAbsolute(baseDir) ? normalize(Path.of(baseDir)) : "");
    }
    Optional<String> value = nodes.string(node, "working_dir");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(value.get());
      if (path.isAbsolute()) {
        return Optional.of(normalize(path));
      }
      if (isAbsolute(baseDir)) {
        return Optional.of(normalize(Path.of(baseDir).resolve(path)));
      }
      nodes.problem(
          node,
          "working_dir",
          "INVALID_WORKING_DIR",
          "'"
              + value.get()
              + "' is relative, and the text came from no file to resolve it against (send"
              + " base_dir, or an absolute path)");
    } catch (InvalidPathException e) {
      nodes.problem(
          node, "working_dir", "INVALID_WORKING_DIR", "not a valid path: " + e.getReason());
    }
    return Optional.empty();
  }

  private ParamSpec param(Node node, String path) {
    Map<String, Node> keys = nodes.mapping(node, path, WorkflowKeys.PARAM);
    ParamSpec.Builder param = ParamSpec.newBuilder();
    if (keys.containsKey("name")) {
      nodes.string(keys.get("name"), path + ".name").ifPresent(param::setName);
    } else {
      nodes.problem(node, path, "MISSING_PARAM_NAME", "a parameter needs a name");
    }
    if (keys.containsKey("default")) {
      // As everywhere in the format, null means unset: `default:` alone leaves it required.
      nodes.string(keys.get("default"), path + ".default").ifPresent(param::setDefaultValue);
    }
    if (keys.containsKey("description")) {
      nodes.string(keys.get("description"), path + ".description").ifPresent(param::setDescription);
    }
    return param.build();
  }

  private StepDefaults defaults(Node node) {
    Map<String, Node> keys = nodes.mapping(node, "defaults", WorkflowKeys.DEFAULTS);
    StepDefaults.Builder defaults = StepDefaults.newBuilder();
    if (keys.containsKey("timeout")) {
      nodes.duration(keys.get("timeout"), "defaults.timeout").ifPresent(defaults::setTimeout);
    }
    if (keys.containsKey("retry")) {
      defaults.setRetry(retry(keys.get("retry"), "defaults.retry"));
    }
    return defaults.build();
  }

  private StepSpec step(Node node, String path) {
    Map<String, Node> keys = nodes.mapping(node, path, WorkflowKeys.STEP);
    StepSpec.Builder step = StepSpec.newBuilder();
    if (keys.containsKey("id")) {
      nodes.string(keys.get("id"), path + ".id").ifPresent(step::setId);
    }
    Node run = keys.get("run");
    Node argv = keys.get("argv");
    if (run != null && argv != null) {
      nodes.problem(
          argv, path, "RUN_AND_ARGV", "has both run and argv; a step has exactly one command");
    } else if (run != null) {
      nodes.string(run, path + ".run").ifPresent(step::setRun);
    } else if (argv != null) {
      step.setArgv(Argv.newBuilder().addAllArgs(nodes.strings(argv, path + ".argv", false)));
    }
    if (keys.containsKey("depends_on")) {
      step.addAllDependsOn(nodes.strings(keys.get("depends_on"), path + ".depends_on", true));
    }
    if (keys.containsKey("timeout")) {
      nodes.duration(keys.get("timeout"), path + ".timeout").ifPresent(step::setTimeout);
    }
    if (keys.containsKey("env")) {
      step.putAllEnv(nodes.env(keys.get("env"), path + ".env"));
    }
    if (keys.containsKey("retry")) {
      step.setRetry(retry(keys.get("retry"), path + ".retry"));
    }
    if (keys.containsKey("run_if")) {
      Node rule = keys.get("run_if");
      nodes
          .string(rule, path + ".run_if")
          .ifPresent(
              value -> {
                switch (value) {
                  case "all_succeeded" -> step.setRunIf(RunIf.RUN_IF_ALL_SUCCEEDED);
                  case "all_done" -> step.setRunIf(RunIf.RUN_IF_ALL_DONE);
                  case "any_failed" -> step.setRunIf(RunIf.RUN_IF_ANY_FAILED);
                  default ->
                      nodes.problem(
                          rule,
                          path + ".run_if",
                          "INVALID_RUN_IF",
                          "'" + value + "' is not a rule: all_succeeded, all_done or any_failed");
                }
              });
    }
    return step.build();
  }

  private RetryPolicy retry(Node node, String path) {
    Map<String, Node> keys = nodes.mapping(node, path, WorkflowKeys.RETRY);
    RetryPolicy.Builder retry = RetryPolicy.newBuilder();
    if (keys.containsKey("max_attempts")) {
      nodes
          .integer(keys.get("max_attempts"), path + ".max_attempts", 0, UINT32_MAX)
          .ifPresent(value -> retry.setMaxAttempts(value.intValue()));
    }
    if (keys.containsKey("initial_backoff")) {
      nodes
          .duration(keys.get("initial_backoff"), path + ".initial_backoff")
          .ifPresent(retry::setInitialBackoff);
    }
    if (keys.containsKey("multiplier")) {
      nodes.number(keys.get("multiplier"), path + ".multiplier").ifPresent(retry::setMultiplier);
    }
    if (keys.containsKey("max_backoff")) {
      nodes
          .duration(keys.get("max_backoff"), path + ".max_backoff")
          .ifPresent(retry::setMaxBackoff);
    }
    if (keys.containsKey("jitter")) {
      nodes.number(keys.get("jitter"), path + ".jitter").ifPresent(retry::setJitter);
    }
    if (keys.containsKey("retry_on_exit_codes")) {
      String codesPath = path + ".retry_on_exit_codes";
      List<Node> codes = nodes.sequence(keys.get("retry_on_exit_codes"), codesPath, "a list");
      for (int index = 0; index < codes.size(); index++) {
        nodes
            .integer(
                codes.get(index),
                codesPath + "[" + index + "]",
                Integer.MIN_VALUE,
                Integer.MAX_VALUE)
            .ifPresent(code -> retry.addRetryOnExitCodes(code.intValue()));
      }
    }
    return retry.build();
  }

  private static boolean isAbsolute(String directory) {
    return directory.startsWith("/") && directory.indexOf('\0') < 0;
  }

  private static String normalize(Path path) {
    return path.normalize().toString();
  }

  private static String notAbsolute(String directory) {
    return "must be an absolute directory, got '" + directory + "'";
  }

  private static String firstLine(YamlEngineException e) {
    String message = e.getMessage();
    if (message == null) {
      return "unreadable input";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
