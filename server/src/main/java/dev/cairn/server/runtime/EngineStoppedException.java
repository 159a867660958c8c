package dev.cairn.server.runtime;

/** The engine is shutting down or failed to start, and takes no more work. */
public final class EngineStoppedException extends RuntimeException {
  public EngineStoppedException() {
    super("the engine is not running");
  }
}
