package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cairn.store setting as the server's start and the offline check read it. */
class StoreSettingTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("org.sqlite.lib.path");
    System.clearProperty("org.sqlite.lib.name");
  }

  @Test
  void unsetItIsTheDefaultDatabaseInTheDataDirectory() {
    assertThat(StoreSetting.resolve(Optional.empty(), dir).toString())
        .isEqualTo("sqlite:" + dir.resolve("cairn.db"));
    assertThat(StoreSetting.resolve(Optional.of(" "), dir))
        .isEqualTo(StoreSetting.resolve(Optional.empty(), dir));
  }

  @Test
  void anUnknownSchemeRefusesTheStartInOneLineAndReleasesTheDirectory() {
    Path data = dir.resolve("data");
    StartRefused refused =
        catchThrowableOfType(
            StartRefused.class,
            () -> StoreOpening.open(Optional.of(data.toString()), Optional.of("nosuch:x")));
    assertThat(refused.getMessage())
        .isEqualTo(
            "unknown store scheme 'nosuch' in cairn.store=nosuch:x; supported schemes:"
                + " postgresql, sqlite");
    try (DataDirectory reopened = DataDirectory.open(Optional.of(data.toString()))) {
      assertThat(reopened.root()).isEqualTo(data.toAbsolutePath().normalize());
    }
  }

  @Test
  void theStoreCanLiveOutsideTheDataDirectory() {
    Path elsewhere = dir.resolve("elsewhere.db");
    StoreOpening.Opened opened =
        StoreOpening.open(
            Optional.of(dir.resolve("data").toString()), Optional.of("sqlite:" + elsewhere));
    try {
      assertThat(opened.store().readAll(0, 1)).isEmpty();
    } finally {
      opened.store().close();
      opened.directory().close();
    }
    assertThat(Files.isRegularFile(elsewhere)).isTrue();
    assertThat(Files.exists(dir.resolve("data").resolve("cairn.db"))).isFalse();
  }

  @Test
  void theOfflineCheckReadsTheSettingToo() {
    Path data = dir.resolve("data");
    int status =
        StoreCheckCommand.run(
            java.util.List.of("--data-dir", data.toString(), "--store", "nosuch:x"),
            System.out,
            System.err);
    assertThat(status).isEqualTo(StoreCheckCommand.CANNOT_CHECK);
  }
}
