package dev.cairn.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.server.process.RunAsUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
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

  @Test
  void givesTheRunsDirectoryToTheRunAsUserAndLetsItPassThroughTheWorkRoot() throws IOException {
    assumeTrue(isRoot(), "only root can hand a directory to another user");
    Path configured = Files.createDirectory(dir.resolve("runs"));
    Files.setPosixFilePermissions(configured, PosixFilePermissions.fromString("rwx------"));
    Path root = configured.resolve("store");
    RunAsUser nobody = new RunAsUser("nobody", 65534, 65534, Path.of("/nonexistent"));

    Path run = RunDirectory.prepare(root, "run-1", Optional.of(nobody));

    assertThat(Files.getAttribute(run, "unix:uid")).isEqualTo(65534);
    assertThat(Files.getAttribute(run, "unix:gid")).isEqualTo(65534);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run)))
        .isEqualTo("rwx------");
    assertThat(Files.getAttribute(root, "unix:uid")).isEqualTo(0);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
        .isEqualTo("rwx--x--x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configured)))
        .isEqualTo("rwx--x--x");
  }

  @Test
  void stillRefusesAWorkRootOthersCanWriteWhenStepsRunAsAnotherUser() throws IOException {
    Path root = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwx--x"));
    RunAsUser nobody = new RunAsUser("nobody", 65534, 65534, Path.of("/nonexistent"));

    assertThatThrownBy(() -> RunDirectory.prepare(root, "run-1", Optional.of(nobody)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("0711");
    assertThat(root.resolve("run-1")).doesNotExist();
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }
}
