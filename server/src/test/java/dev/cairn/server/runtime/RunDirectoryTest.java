package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
  @TempDir Path dir;

  @Test
  void makesTheRunsDirectoryForItsOwnerOnly() throws IOException {
    Path root = dir.resolve("runs").resolve("store");
    Path run = RunDirectory.prepare(root, "run-1");

    assertThat(run).isEqualTo(root.resolve("run-1")).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
        .isEqualTo("rwx------");
    Files.writeString(run.resolve("left-by-a-step"), "x");
    assertThat(RunDirectory.prepare(root, "run-1")).isEqualTo(run);
    assertThat(run.resolve("left-by-a-step")).exists();
  }

  @Test
  void refusesAWorkRootOthersCanEnter() throws IOException {
    Path root = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> RunDirectory.prepare(root, "run-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("mode 0700")
        .hasMessageContaining("cairn.work-root");
    assertThat(root.resolve("run-1")).doesNotExist();
  }

  @Test
  void refusesAWorkRootThatIsASymbolicLink() throws IOException {
    Path target = Files.createDirectory(dir.resolve("elsewhere"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    Path root = Files.createSymbolicLink(dir.resolve("link"), target);

    assertThatThrownBy(() -> RunDirectory.prepare(root, "run-1")).isInstanceOf(IOException.class);
    assertThat(target.resolve("run-1")).doesNotExist();
  }

  @Test
  void refusesAWorkRootInADirectoryOthersCanChange() throws IOException {
    Path parent = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> RunDirectory.prepare(parent.resolve("store"), "run-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("another user can change");
  }
}
