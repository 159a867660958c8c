package dev.cairn.server.api;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A reason the server will not start that the operator can fix (an unsafe address, a port or a data
 * directory already in use). Quarkus prints the message of such an exception alone, without a stack
 * trace, and exits with status 1; so it carries no cause, and its message names the fix.
 */
final class StartRefused extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  StartRefused(String message) {
    super(message);
  }
}
