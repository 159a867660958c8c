package dev.cairn.workflow;

/**
 * One problem found in a workflow file.
 *
 * @param line the 1-based line of the offending node; 0 when the problem has no line (the file
 *     cannot be read, a request field)
 * @param field the key path, such as {@code steps[1].timeout}; empty for the document itself
 * @param reason a stable upper-case code, such as {@code UNKNOWN_KEY}
 * @param message what is wrong, for people, without the line and field
 */
public record Problem(int line, String field, String reason, String message) {

  /** The problem as one line: {@code line 7: steps[1].timout: unknown key}. */
  public String describe() {
    String where = line > 0 ? "line " + line + ": " : "";
    return where + (field.isEmpty() ? "" : field + ": ") + message;
  }
}
