package dev.cairn.cli;

import picocli.CommandLine.Option;

/** The {@code -o/--output} option of every command that prints data. */
public final class OutputOptions {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: text or json (one JSON object per line). Default: text.")
  OutputFormat format = OutputFormat.TEXT;

  /** The chosen format. */
  public OutputFormat format() {
    return format;
  }

  /** True when the output is JSON. */
  public boolean json() {
    return format == OutputFormat.JSON;
  }
}
