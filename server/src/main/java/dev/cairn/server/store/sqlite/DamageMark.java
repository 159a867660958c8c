package dev.cairn.server.store.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A file beside the database saying that damage was found in it while it was in use. Some damage (a
 * changed byte inside a row) shows only when that row is read, not in the checks run at open; the
 * mark makes the next start refuse as well, instead of serving until the same row is read again.
 * The offline check removes it once the store checks clean.
 */
final class DamageMark {
  private DamageMark() {}

  static Path of(Path databaseFile) {
    return databaseFile.resolveSibling(databaseFile.getFileName() + ".damaged");
  }

  /** Writes the mark, best effort: the damage is reported whether or not the mark can be kept. */
  static void write(Path databaseFile, String damage) {
    try {
      Files.writeString(
          of(databaseFile), Instant.now() + " " + damage + "\n", StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException ignored) {
      // The file system may be what failed; the caller reports the damage itself.
    }
  }

  /** What the mark says, if there is one. */
  static Optional<String> read(Path databaseFile) {
    Path mark = of(databaseFile);
    if (!Files.exists(mark)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(mark, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return Optional.of("(the mark " + mark + " cannot be read: " + e.getMessage() + ")");
    }
  }

  static void remove(Path databaseFile) throws IOException {
    Files.deleteIfExists(of(databaseFile));
  }
}
