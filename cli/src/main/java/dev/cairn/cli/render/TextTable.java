package dev.cairn.cli.render;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces; the last column is not padded. */
public final class TextTable {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** A table with these column headers. */
  public TextTable(String... headers) {
    this.columns = headers.length;
    rows.add(headers.clone());
  }

  /** Adds a row; missing cells are empty. */
  public TextTable row(String... cells) {
    String[] row = new String[columns];
    for (int index = 0; index < columns; index++) {
      row[index] = index < cells.length && cells[index] != null ? cells[index] : "";
    }
    rows.add(row);
    return this;
  }

  /** The rendered lines, header first, without trailing spaces. */
  public List<String> lines() {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int index = 0; index < columns; index++) {
        widths[index] = Math.max(widths[index], row[index].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int index = 0; index < columns; index++) {
        if (index > 0) {
          line.append("  ");
        }
        line.append(row[index]);
        if (index < columns - 1) {
          line.append(" ".repeat(widths[index] - row[index].length()));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
