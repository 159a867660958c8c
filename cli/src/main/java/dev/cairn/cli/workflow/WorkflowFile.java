package dev.cairn.cli.workflow;

import dev.cairn.v1.Argv;
import dev.cairn.v1.RetryPolicy;
import dev.cairn.v1.StepDefaults;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.WorkflowSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a workflow file (YAML) into a {@link WorkflowSpec}.
 *
 * <p>Only the shape is checked here: unknown keys, wrong types and bad durations. Whether the DAG
 * makes sense (unique ids, known dependencies, no cycle, exactly one command per step) is the
 * server's call, so that every client gets the same answer.
 */
public final class WorkflowFile {
  /**
   * Large enough that an oversized spec reaches the server, which is the one place that states the
   * size limit.
   */
  static final int CODE_POINT_LIMIT = 64 * 1024 * 1024;

  private static final Set<String> WORKFLOW_KEYS =
      Set.of("name", "max_parallel", "fail_fast", "working_dir", "env", "defaults", "steps");
  private static final Set<String> DEFAULTS_KEYS = Set.of("timeout", "retry");
  private static final Set<String> STEP_KEYS =
      Set.of("id", "run", "argv", "depends_on", "timeout", "env", "retry");
  private static final Set<String> RETRY_KEYS =
      Set.of(
          "max_attempts",
          "initial_backoff",
          "multiplier",
          "max_backoff",
          "jitter",
          "retry_on_exit_codes");
  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  private final YamlNodes nodes;
  private final Path file;

  private WorkflowFile(Path file) {
    this.file = file;
    this.nodes = new YamlNodes(file.toString());
  }

  /** Parses the workflow file at {@code file}. */
  public static WorkflowSpec parse(Path file) throws WorkflowFileException {
    return new WorkflowFile(file).read();
  }

  private WorkflowSpec read() throws WorkflowFileException {
    Optional<Node> root;
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file.toString())
            .setCodePointLimit(CODE_POINT_LIMIT)
            .build();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Compose(settings).composeReader(reader);
    } catch (NoSuchFileException e) {
      throw new WorkflowFileException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new WorkflowFileException(file + ": not valid UTF-8");
    } catch (IOException e) {
      throw new WorkflowFileException(file + ": cannot read: " + e.getMessage());
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(mark -> mark.getLine() + 1).orElse(0);
      throw new WorkflowFileException(file + ":" + line + ": invalid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      // The reader wraps decoding errors; report them without the stack of causes.
      throw new WorkflowFileException(file + ": invalid YAML: " + firstLine(e.getMessage()));
    }
    if (root.isEmpty() || YamlNodes.isNull(root.get())) {
      throw new WorkflowFileException(file + ": the file is empty");
    }
    return workflow(root.get());
  }

  private WorkflowSpec workflow(Node root) throws WorkflowFileException {
    Map<String, Node> keys = nodes.mapping(root, "", WORKFLOW_KEYS);
    WorkflowSpec.Builder spec = WorkflowSpec.newBuilder();
    spec.setName(keys.containsKey("name") ? nodes.string(keys.get("name"), "name") : defaultName());
    if (keys.containsKey("max_parallel")) {
      spec.setMaxParallel(
          (int) nodes.integer(keys.get("max_parallel"), "max_parallel", 0, UINT32_MAX));
    }
    if (keys.containsKey("fail_fast")) {
      spec.setFailFast(nodes.bool(keys.get("fail_fast"), "fail_fast"));
    }
    spec.setWorkingDir(workingDir(keys.get("working_dir")));
    if (keys.containsKey("env")) {
      spec.putAllEnv(nodes.stringMap(keys.get("env"), "env"));
    }
    if (keys.containsKey("defaults")) {
      spec.setDefaults(defaults(keys.get("defaults")));
    }
    if (keys.containsKey("steps")) {
      List<Node> steps = nodes.sequence(keys.get("steps"), "steps", "a list of steps");
      for (int index = 0; index < steps.size(); index++) {
        spec.addSteps(step(steps.get(index), "steps[" + index + "]"));
      }
    }
    return spec.build();
  }

  private String defaultName() {
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  /** Relative directories are taken from the workflow file's directory, like includes are. */
  private String workingDir(Node node) throws WorkflowFileException {
    Path base = file.toAbsolutePath().getParent();
    if (node == null) {
      return base.normalize().toString();
    }
    String value = nodes.string(node, "working_dir");
    try {
      return base.resolve(value).normalize().toString();
    } catch (java.nio.file.InvalidPathException e) {
      throw nodes.error(node, "working_dir", "not a valid path: " + e.getReason());
    }
  }

  private StepDefaults defaults(Node node) throws WorkflowFileException {
    Map<String, Node> keys = nodes.mapping(node, "defaults", DEFAULTS_KEYS);
    StepDefaults.Builder defaults = StepDefaults.newBuilder();
    if (keys.containsKey("timeout")) {
      defaults.setTimeout(nodes.duration(keys.get("timeout"), "defaults.timeout"));
    }
    if (keys.containsKey("retry")) {
      defaults.setRetry(retry(keys.get("retry"), "defaults.retry"));
    }
    return defaults.build();
  }

  private StepSpec step(Node node, String path) throws WorkflowFileException {
    Map<String, Node> keys = nodes.mapping(node, path, STEP_KEYS);
    StepSpec.Builder step = StepSpec.newBuilder();
    if (keys.containsKey("id")) {
      step.setId(nodes.string(keys.get("id"), path + ".id"));
    }
    Node run = keys.get("run");
    Node argv = keys.get("argv");
    // A step with both is sent with neither, because the oneof cannot carry both: the server
    // then rejects the step for not having exactly one command, naming the step.
    if (run != null && argv == null) {
      step.setRun(nodes.string(run, path + ".run"));
    } else if (argv != null && run == null) {
      step.setArgv(Argv.newBuilder().addAllArgs(nodes.strings(argv, path + ".argv", false)));
    } else if (run != null) {
      nodes.string(run, path + ".run");
      nodes.strings(argv, path + ".argv", false);
    }
    if (keys.containsKey("depends_on")) {
      step.addAllDependsOn(nodes.strings(keys.get("depends_on"), path + ".depends_on", true));
    }
    if (keys.containsKey("timeout")) {
      step.setTimeout(nodes.duration(keys.get("timeout"), path + ".timeout"));
    }
    if (keys.containsKey("env")) {
      step.putAllEnv(nodes.stringMap(keys.get("env"), path + ".env"));
    }
    if (keys.containsKey("retry")) {
      step.setRetry(retry(keys.get("retry"), path + ".retry"));
    }
    return step.build();
  }

  private RetryPolicy retry(Node node, String path) throws WorkflowFileException {
    Map<String, Node> keys = nodes.mapping(node, path, RETRY_KEYS);
    RetryPolicy.Builder retry = RetryPolicy.newBuilder();
    if (keys.containsKey("max_attempts")) {
      retry.setMaxAttempts(
          (int) nodes.integer(keys.get("max_attempts"), path + ".max_attempts", 0, UINT32_MAX));
    }
    if (keys.containsKey("initial_backoff")) {
      retry.setInitialBackoff(
          nodes.duration(keys.get("initial_backoff"), path + ".initial_backoff"));
    }
    if (keys.containsKey("multiplier")) {
      retry.setMultiplier(nodes.number(keys.get("multiplier"), path + ".multiplier"));
    }
    if (keys.containsKey("max_backoff")) {
      retry.setMaxBackoff(nodes.duration(keys.get("max_backoff"), path + ".max_backoff"));
    }
    if (keys.containsKey("jitter")) {
      retry.setJitter(nodes.number(keys.get("jitter"), path + ".jitter"));
    }
    if (keys.containsKey("retry_on_exit_codes")) {
      String codesPath = path + ".retry_on_exit_codes";
      List<Node> codes = nodes.sequence(keys.get("retry_on_exit_codes"), codesPath, "a list");
      for (int index = 0; index < codes.size(); index++) {
        retry.addRetryOnExitCodes(
            (int)
                nodes.integer(
                    codes.get(index),
                    codesPath + "[" + index + "]",
                    Integer.MIN_VALUE,
                    Integer.MAX_VALUE));
      }
    }
    return retry.build();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
