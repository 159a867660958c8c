package dev.cairn.workflow;

/**
 * The rule for free text that clients print as it is (a workflow's name, a cancel's reason, a
 * pause's note): no control character but a tab, since an escape sequence or a line break would
 * rewrite the terminal it is printed on; and no bidirectional formatting character (such as
 * RIGHT-TO-LEFT OVERRIDE), which makes text display as other text ("nightly \u202edliub" shows as
 * "nightly build") in a terminal or a browser. One rule for the parser, the server's validator and
 * its request checks.
 */
public final class ControlCharacters {
  /** Why a workflow's name is refused, in the parser's and the validator's words alike. */
  public static final String IN_NAME =
      "name: contains a control character (such as ESC or a line break, which a block scalar"
          + " such as 'name: |' ends in, or a bidirectional override)";

  private ControlCharacters() {}

  /** Whether {@code text} holds a control character other than a tab, or a bidi formatting one. */
  public static boolean present(String text) {
    return text.chars().anyMatch(c -> (c != '\t' && Character.isISOControl(c)) || bidi(c));
  }

  /** The embeddings, overrides, isolates and marks of Unicode's bidirectional algorithm. */
  private static boolean bidi(int c) {
    return c == 0x061C
        || c == 0x200E
        || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069);
  }
}
