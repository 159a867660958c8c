package dev.cairn.cli;

/** How a command prints its data. */
public enum OutputFormat {
  /** Aligned text for people. */
  TEXT,
  /** One JSON object per line, for programs. */
  JSON
}
