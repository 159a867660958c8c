package dev.cairn.bench;

/** Does nothing: the harness times a JVM that runs it, as the floor for any server start. */
public final class JvmStart {
  private JvmStart() {}

  public static void main(String[] args) {}
}
