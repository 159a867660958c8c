package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreOpeningTest {
  @TempDir Path dir;

  @Test
  void aDataDirectoryThatIsAFileIsRefusedInOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    StartRefused refused =
        catchThrowableOfType(
            StartRefused.class, () -> StoreOpening.open(Optional.of(file.toString())));
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
            StartRefused.class, () -> StoreOpening.open(Optional.of(data.toString())));
    assertThat(refused.getMessage())
        .contains("not a database")
        .contains("cairn server check --data-dir " + data.toAbsolutePath().normalize())
        .doesNotContain("\n");
    try (DataDirectory reopened = DataDirectory.open(Optional.of(data.toString()))) {
      assertThat(reopened.root()).isEqualTo(data.toAbsolutePath().normalize());
    }
  }
}
