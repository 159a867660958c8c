package dev.cairn.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeLibraryTest {
  @TempDir Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty("org.sqlite.lib.path");
    System.clearProperty("org.sqlite.lib.name");
  }

  @Test
  void installsTheDriversLibraryOnceAndPointsTheDriverAtIt() throws Exception {
    assumeTrue(System.getProperty("os.arch").equals("amd64"), "the check reads the x86_64 library");
    Path stale = dir.resolve("libsqlitejdbc-0-1.so");
    Files.writeString(stale, "an older driver's library");

    Path installed = SqliteNativeLibrary.install(dir).orElseThrow();

    byte[] expected;
    try (InputStream in =
        getClass().getResourceAsStream("/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so")) {
      expected = in.readAllBytes();
    }
    assertThat(installed.getParent()).isEqualTo(dir);
    assertThat(Files.readAllBytes(installed)).isEqualTo(expected);
    assertThat(stale).doesNotExist();
    assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(dir.toString());
    assertThat(System.getProperty("org.sqlite.lib.name"))
        .isEqualTo(installed.getFileName().toString());

    long modified = Files.getLastModifiedTime(installed).toMillis();
    clearProperties();
    assertThat(SqliteNativeLibrary.install(dir)).contains(installed);
    assertThat(Files.getLastModifiedTime(installed).toMillis()).isEqualTo(modified);
  }

  @Test
  void leavesPropertiesTheOperatorSetAlone() {
    System.setProperty("org.sqlite.lib.path", "/somewhere/else");
    assertThat(SqliteNativeLibrary.install(dir)).isEmpty();
    assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo("/somewhere/else");
    assertThat(dir).isEmptyDirectory();
  }
}
