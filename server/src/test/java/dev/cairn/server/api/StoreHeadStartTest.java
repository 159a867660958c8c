package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreHeadStartTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("cairn.data-dir");
    System.clearProperty("org.sqlite.lib.path");
    System.clearProperty("org.sqlite.lib.name");
    StoreHeadStart.take(Optional.empty());
  }

  @Test
  void nothingIsOpenedWithoutTheSystemProperty() {
    StoreHeadStart.begin();
    assertThat(StoreHeadStart.take(Optional.of(dir.toString()))).isEmpty();
  }

  @Test
  void theServerTakesTheStoreOpenedEarlyForItsOwnDirectory() {
    Path data = dir.resolve("data");
    System.setProperty("cairn.data-dir", data.toString());
    StoreHeadStart.begin();

    Optional<StoreHeadStart.Opened> opened = StoreHeadStart.take(Optional.of(data.toString()));

    assertThat(opened).isPresent();
    assertThat(opened.get().directory().root()).isEqualTo(data.toAbsolutePath().normalize());
    assertThat(opened.get().store().readAll(0, 10)).isEmpty();
    opened.get().store().close();
    opened.get().directory().close();
    assertThat(StoreHeadStart.take(Optional.of(data.toString()))).isEmpty();
  }

  @Test
  void aStoreOpenedForAnotherDirectoryIsClosedAndItsLockReleased() {
    Path early = dir.resolve("early");
    System.setProperty("cairn.data-dir", early.toString());
    StoreHeadStart.begin();

    assertThat(StoreHeadStart.take(Optional.of(dir.resolve("other").toString()))).isEmpty();

    try (DataDirectory reopened = DataDirectory.open(Optional.of(early.toString()))) {
      assertThat(reopened.root()).isEqualTo(early.toAbsolutePath().normalize());
    }
  }

  @Test
  void aDataDirectoryThatIsAFileIsRefusedInOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    StartRefused refused =
        catchThrowableOfType(
            StartRefused.class, () -> StoreHeadStart.open(Optional.of(file.toString())));
    assertThat(refused.getMessage())
        .isEqualTo(
            "cannot use the data directory "
                + file
                + ": "
                + file
                + " exists and is not a directory");
    assertThat(refused.getCause()).isNull();
  }

  @Test
  void aDatabaseThatIsNotOneIsRefusedInOneLineAndTheLockReleased() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("cairn.db"), "not a database ".repeat(300));
    StartRefused refused =
        catchThrowableOfType(
            StartRefused.class, () -> StoreHeadStart.open(Optional.of(data.toString())));
    assertThat(refused.getMessage())
        .contains("not a database")
        .contains("cairn server check --data-dir " + data.toAbsolutePath().normalize())
        .doesNotContain("\n");
    try (DataDirectory reopened = DataDirectory.open(Optional.of(data.toString()))) {
      assertThat(reopened.root()).isEqualTo(data.toAbsolutePath().normalize());
    }
  }
}
