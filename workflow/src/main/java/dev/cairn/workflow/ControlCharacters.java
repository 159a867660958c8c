package dev.cairn.workflow;

/**
 * The rule for free text that clients print as it is (a workflow's name, a cancel's reason, a
 * pause's note): no control character but a tab, since an escape sequence or a line break would
 * rewrite the terminal it is printed on. One rule for the parser, the server's validator and its
 * request checks.
 */
public final class ControlCharacters {
  /** Why a workflow's name is refused, in the parser's and the validator's words alike. */
  public static final String IN_NAME =
      "name: contains a control character (such as ESC or a line break, which a block scalar"
          + " such as 'name: |' ends in)";

  private ControlCharacters() {}

  /** Whether {@code text} holds a control character other than a tab. */
  public static boolean present(String text) {
    return text.chars().anyMatch(c -> c != '\t' && Character.isISOControl(c));
  }
}
