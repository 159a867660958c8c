package dev.cairn.cli.workflow;

import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.Problem;
import dev.cairn.workflow.WorkflowFileException;
import dev.cairn.workflow.WorkflowFiles;
import dev.cairn.workflow.WorkflowParser;
import java.nio.file.Path;
import java.util.List;

/**
 * A workflow file as the CLI handles it: read and checked here with the shared parser, then sent as
 * its text, so that the server parses it with the same rules and its answer is the authority.
 */
public final class LocalWorkflow {
  private final Path file;
  private final WorkflowFiles.Source source;

  private LocalWorkflow(Path file, WorkflowFiles.Source source) {
    this.file = file;
    this.source = source;
  }

  /** Reads {@code file}; a missing, unreadable or non-UTF-8 file is an error naming it. */
  public static LocalWorkflow read(Path file) throws InvalidWorkflowFile {
    try {
      return new LocalWorkflow(file, WorkflowFiles.read(file));
    } catch (WorkflowFileException e) {
      throw new InvalidWorkflowFile(file, e.problems());
    }
  }

  /** The resolved spec; every problem of the file's format in the exception. */
  public WorkflowSpec parse() throws InvalidWorkflowFile {
    try {
      return WorkflowParser.parse(source.text(), source.baseDir());
    } catch (WorkflowFileException e) {
      throw new InvalidWorkflowFile(file, e.problems());
    }
  }

  /** Every problem of the file, its DAG's included; empty when the file is good. */
  public List<Problem> check() {
    return WorkflowParser.check(source.text(), source.baseDir());
  }

  /** The file's size in bytes, as the server measures it against its spec limit. */
  public long bytes() {
    return source.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /** A submit request carrying the file's text and directory. */
  public SubmitRunRequest.Builder request() {
    return SubmitRunRequest.newBuilder()
        .setWorkflowYaml(source.text())
        .setBaseDir(source.baseDir());
  }
}
