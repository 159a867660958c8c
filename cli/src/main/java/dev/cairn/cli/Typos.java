package dev.cairn.cli;

/** How far a mistyped word is from a known one, for "did you mean" suggestions. */
final class Typos {
  private Typos() {}

  /**
   * The optimal string alignment distance: insertions, deletions, substitutions and transpositions
   * of two adjacent characters each count one, so {@code lsit} is one away from {@code list}.
   */
  static int distance(String typed, String known) {
    int[][] d = new int[typed.length() + 1][known.length() + 1];
    for (int i = 0; i <= typed.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= known.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= typed.length(); i++) {
      for (int j = 1; j <= known.length(); j++) {
        int cost = typed.charAt(i - 1) == known.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && typed.charAt(i - 1) == known.charAt(j - 2)
            && typed.charAt(i - 2) == known.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[typed.length()][known.length()];
  }
}
