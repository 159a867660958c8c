package dev.cairn.cli;

import dev.cairn.cli.client.ChannelFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code cairn} in-process through {@link CommandLine#execute} and captures its output. */
public final class CliHarness {
  /** What one invocation did. */
  public record Result(int exit, String out, String err, byte[] raw) {
    /** Standard output as text, raw bytes included. */
    public String rawText() {
      return new String(raw, StandardCharsets.UTF_8);
    }
  }

  private final Environment environment;

  /** A harness whose commands see only {@code variables}. */
  public CliHarness(Map<String, String> variables) {
    this(variables, false);
  }

  /** A harness whose commands see {@code variables} and, if {@code terminal}, a terminal. */
  public CliHarness(Map<String, String> variables, boolean terminal) {
    this.environment = Environment.of(variables, terminal);
  }

  /** Runs {@code cairn args...}. */
  public Result execute(String... args) {
    return execute(new StringWriter(), args);
  }

  /**
   * Runs {@code cairn args...} writing standard output to {@code out}, which another thread may
   * read while the command runs (a StringWriter is synchronized).
   */
  public Result execute(StringWriter out, String... args) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    CliContext context = new CliContext(environment, ChannelFactory.netty(), raw, ZoneOffset.UTC);
    CommandLine commandLine = CairnCommand.commandLine(context);
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute(args);
    return new Result(exit, out.toString(), err.toString(), raw.toByteArray());
  }
}
