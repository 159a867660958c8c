package dev.cairn.server.runtime;

import dev.cairn.server.engine.RunState;
import java.util.Optional;

/**
 * A test-only hook, off unless the system property {@value #PROPERTY} is set. With {@code
 * error:NAME} the engine thread throws an {@link Error} when it decides the start of an attempt of
 * a workflow named NAME, with {@code exception:NAME} an {@link IllegalStateException}: tests use it
 * to show that a fatal error ends the server and that any other error sets aside only its run.
 */
record InjectedFault(boolean fatal, String workflowName) {
  static final String PROPERTY = "test.cairn.engine-fault";

  static Optional<InjectedFault> fromSystemProperty() {
    String value = System.getProperty(PROPERTY, "");
    if (value.startsWith("error:")) {
      return Optional.of(new InjectedFault(true, value.substring("error:".length())));
    }
    if (value.startsWith("exception:")) {
      return Optional.of(new InjectedFault(false, value.substring("exception:".length())));
    }
    return Optional.empty();
  }

  void check(RunState state) {
    if (state == null || !state.plan().spec().getName().equals(workflowName)) {
      return;
    }
    String message = "injected by " + PROPERTY + " for workflow " + workflowName;
    if (fatal) {
      throw new InjectedError(message);
    }
    throw new IllegalStateException(message);
  }

  /** The error the hook throws, named so that a log shows at once where it came from. */
  static final class InjectedError extends Error {
    InjectedError(String message) {
      super(message);
    }
  }
}
