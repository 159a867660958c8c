package dev.cairn.server.api;

import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.StoreUrl;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code cairn.store} setting: which event store the server uses, as {@code SCHEME:LOCATION}.
 * Unset, it is a SQLite database file in the data directory; this is the one place that default,
 * and the file-based scheme, are written.
 */
final class StoreSetting {
  /** The system property (and configuration key) of the setting. */
  static final String PROPERTY = "cairn.store";

  private StoreSetting() {}

  /**
   * A setting read from a file in {@code directory}: the file-based store's relative path made
   * relative to that directory; any other value as it is.
   */
  static String besideFile(Path directory, String value) {
    String prefix = "sqlite:";
    if (value.startsWith(prefix)
        && value.length() > prefix.length()
        && !Path.of(value.substring(prefix.length())).isAbsolute()) {
      return prefix + directory.resolve(value.substring(prefix.length())).normalize();
    }
    return value;
  }

  /**
   * The store the setting names, or the default one in the data directory.
   *
   * @throws dev.cairn.server.store.StoreException when the setting is malformed or names a scheme
   *     no adapter serves
   */
  static StoreUrl resolve(Optional<String> configured, Path dataDirectory) {
    return EventStores.parse(
        configured
            .filter(value -> !value.isBlank())
            .orElseGet(() -> "sqlite:" + dataDirectory.resolve("cairn.db")));
  }
}
