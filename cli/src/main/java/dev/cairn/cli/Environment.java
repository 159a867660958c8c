package dev.cairn.cli;

import java.util.Map;
import java.util.Optional;

/**
 * What the command line reads from the process environment, behind an interface so that tests can
 * supply their own values instead of mutating the real environment.
 */
public interface Environment {
  /** The variable's value; empty when unset or blank. */
  Optional<String> variable(String name);

  /** True when output goes to an interactive terminal that understands cursor movement. */
  boolean interactiveTerminal();

  /** The environment of this process. */
  static Environment system() {
    return new Environment() {
      @Override
      public Optional<String> variable(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
      }

      @Override
      public boolean interactiveTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.isEmpty() && !"dumb".equals(term);
      }
    };
  }

  /** Fixed variables and no terminal, for tests. */
  static Environment of(Map<String, String> variables) {
    return of(variables, false);
  }

  /** Fixed variables, and whether output is to be treated as an interactive terminal. */
  static Environment of(Map<String, String> variables, boolean terminal) {
    Map<String, String> copy = Map.copyOf(variables);
    return new Environment() {
      @Override
      public Optional<String> variable(String name) {
        return Optional.ofNullable(copy.get(name)).filter(value -> !value.isBlank());
      }

      @Override
      public boolean interactiveTerminal() {
        return terminal;
      }
    };
  }
}
