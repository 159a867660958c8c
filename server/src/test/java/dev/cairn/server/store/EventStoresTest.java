package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store URL and the factory that turns it into a store, through the registered adapters. */
class EventStoresTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("org.sqlite.lib.path");
    System.clearProperty("org.sqlite.lib.name");
  }

  @Test
  void aUrlIsSplitAtItsFirstColon() {
    assertThat(StoreUrl.parse("SQLite:/var/lib/cairn/a:b.db"))
        .isEqualTo(new StoreUrl("sqlite", "/var/lib/cairn/a:b.db"));
    assertThat(StoreUrl.parse("postgresql://db.example/cairn").location())
        .isEqualTo("//db.example/cairn");
  }

  @Test
  void anUnknownSchemeIsRefusedInOneLineNamingTheSupportedOnes() {
    StoreException refused =
        catchThrowableOfType(StoreException.class, () -> EventStores.parse("mysql://db/cairn"));
    assertThat(refused.getMessage())
        .isEqualTo(
            "unknown store scheme 'mysql' in cairn.store=mysql://db/cairn; supported schemes:"
                + " postgresql, sqlite");
  }

  @Test
  void aSettingWithoutASchemeIsRefusedNamingTheSupportedOnes() {
    StoreException refused =
        catchThrowableOfType(StoreException.class, () -> EventStores.parse("/var/lib/cairn.db"));
    assertThat(refused.getMessage())
        .isEqualTo(
            "the store setting '/var/lib/cairn.db' is not SCHEME:LOCATION (cairn.store);"
                + " supported schemes: postgresql, sqlite");
  }

  @Test
  void theFactoryOpensAWorkingStoreAndItsChecks() {
    StoreUrl url = EventStores.parse("sqlite:" + dir.resolve("store.db"));
    try (EventStore store = EventStores.open(url, dir)) {
      assertThat(store.lastGlobalSeq()).isZero();
      assertThat(store.readConcurrency()).isPositive();
    }
    assertThat(Files.isRegularFile(dir.resolve("store.db"))).isTrue();
    StoreChecks checks = EventStores.checks(url, dir);
    assertThat(checks.exists()).isTrue();
    assertThat(checks.check().clean()).isTrue();
    assertThat(
            EventStores.checks(EventStores.parse("sqlite:" + dir.resolve("none.db")), dir).exists())
        .isFalse();
  }
}
