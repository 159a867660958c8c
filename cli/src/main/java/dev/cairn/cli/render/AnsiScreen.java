package dev.cairn.cli.render;

import java.io.PrintWriter;
import java.util.List;

/**
 * Redraws a block of lines in place on an ANSI terminal: moves the cursor back up over the block
 * drawn last, clears to the end of the screen, and draws the new block.
 */
public final class AnsiScreen {
  private static final String ESCAPE = "\u001b[";

  private final PrintWriter out;
  private int drawnLines;

  /** A screen writing to {@code out}. */
  public AnsiScreen(PrintWriter out) {
    this.out = out;
  }

  /** Replaces the block drawn last with {@code lines}. */
  public synchronized void draw(List<String> lines) {
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append(ESCAPE).append(drawnLines).append('A').append('\r');
    }
    frame.append(ESCAPE).append('J');
    for (String line : lines) {
      frame.append(line).append('\n');
    }
    out.print(frame);
    out.flush();
    drawnLines = lines.size();
  }
}
