package dev.cairn.cli.client;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs an action on Ctrl-C (SIGINT) instead of ending the JVM, for as long as it is open; closing
 * it restores the previous handling.
 */
public final class CtrlC implements AutoCloseable {
  private final SignalHandler previous;

  private CtrlC(SignalHandler previous) {
    this.previous = previous;
  }

  /** Calls {@code action} on Ctrl-C until closed. */
  public static CtrlC onInterrupt(Runnable action) {
    try {
      return new CtrlC(Signal.handle(new Signal("INT"), signal -> action.run()));
    } catch (IllegalArgumentException e) {
      // Signals cannot be handled here (e.g. -Xrs); Ctrl-C then ends the JVM as usual.
      return new CtrlC(null);
    }
  }

  @Override
  public void close() {
    if (previous != null) {
      Signal.handle(new Signal("INT"), previous);
    }
  }
}
