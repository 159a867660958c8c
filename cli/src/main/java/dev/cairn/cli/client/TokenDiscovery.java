package dev.cairn.cli.client;

import dev.cairn.cli.CliException;
import dev.cairn.cli.Environment;
import dev.cairn.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the token to send: the {@code --token} flag, else {@code CAIRN_TOKEN}, else the file {@code
 * token} that a local server writes into its data directory.
 */
public final class TokenDiscovery {
  private TokenDiscovery() {}

  /** The token by the order above; empty when none of the three has one. */
  public static Optional<Token> discover(String flag, Environment environment) {
    if (flag != null && !flag.isBlank()) {
      return Optional.of(new Token(flag.trim(), "--token"));
    }
    Optional<String> variable = environment.variable("CAIRN_TOKEN");
    if (variable.isPresent()) {
      return Optional.of(new Token(variable.get().trim(), "CAIRN_TOKEN"));
    }
    Path file = tokenFile(environment);
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8).trim();
      return content.isEmpty()
          ? Optional.empty()
          : Optional.of(new Token(content, file.toString()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.NOT_AUTHENTICATED, "cannot read the token file " + file + ": " + e);
    }
  }

  /** The token file of a local server: {@code token} in {@link #dataDirectory}. */
  public static Path tokenFile(Environment environment) {
    return dataDirectory(environment).resolve("token");
  }

  /**
   * The local data directory: {@code $CAIRN_DATA_DIR}, else {@code $XDG_DATA_HOME/cairn}, else
   * {@code $HOME/.local/share/cairn}.
   */
  public static Path dataDirectory(Environment environment) {
    Optional<String> explicit = environment.variable("CAIRN_DATA_DIR");
    if (explicit.isPresent()) {
      return Path.of(explicit.get());
    }
    Optional<String> xdg = environment.variable("XDG_DATA_HOME");
    if (xdg.isPresent()) {
      return Path.of(xdg.get(), "cairn");
    }
    String home = environment.variable("HOME").orElseGet(() -> System.getProperty("user.home"));
    return Path.of(home, ".local", "share", "cairn");
  }
}
