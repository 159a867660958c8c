package dev.cairn.server.nativelib;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Native files the server carries in its jars and installs in its data directory: a program or a
 * library cannot be run from inside a jar. Each is written whole or not at all, so a crash during
 * the install never leaves a truncated copy behind.
 */
public final class InstalledFiles {
  private InstalledFiles() {}

  /**
   * Writes {@code bytes} to {@code target}, owner-only ({@code rwx------}), through a temporary
   * file in the same directory and an atomic rename; the directory is created when missing.
   */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temp =
        Files.createTempFile(
            directory,
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Files.write(temp, bytes);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Deletes the files of {@code directory} that match {@code glob}, except {@code keep}. */
  public static void removeOthers(Path directory, String glob, Path keep) throws IOException {
    try (DirectoryStream<Path> copies = Files.newDirectoryStream(directory, glob)) {
      for (Path copy : copies) {
        if (!copy.equals(keep)) {
          Files.deleteIfExists(copy);
        }
      }
    }
  }
}
