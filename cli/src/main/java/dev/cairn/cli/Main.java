package dev.cairn.cli;

/** Entry point of the cairn command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
