package dev.cairn.server.api;

import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.StoreUrl;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code cairn.store} setting: which event store the server uses, as {@code SCHEME:LOCATION}.
 * Unset, it is a SQLite database file in the data directory; this is the one place that default is
 * written.
 */
final class StoreSetting {
  /** The system property (and configuration key) of the setting. */
  static final String PROPERTY = "cairn.store";

  private StoreSetting() {}

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
