package dev.cairn.server.process;

import dev.cairn.server.nativelib.InstalledFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The {@code cairn-spawn} helper that the build compiled into the server's classes, installed as an
 * executable file: a program cannot be executed from inside a jar.
 */
final class SpawnHelperBinary {
  private static final String RESOURCE = "cairn-spawn";
  private static final String PREFIX = "cairn-spawn-";

  private SpawnHelperBinary() {}

  /** Whether this build carries the helper (it is compiled only where a C compiler exists). */
  static boolean isBundled() {
    return SpawnHelperBinary.class.getResource(RESOURCE) != null;
  }

  /**
   * Installs the helper in {@code directory} as {@code cairn-spawn-<hash>}, owner-only, unless an
   * identical copy is there already; copies of other builds are removed.
   *
   * @return the installed file, or empty when this build carries no helper
   */
  static Optional<Path> install(Path directory) throws IOException {
    byte[] bytes;
    try (InputStream in = SpawnHelperBinary.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return Optional.empty();
      }
      bytes = in.readAllBytes();
    }
    Path target = directory.resolve(PREFIX + hash(bytes));
    if (!Files.isRegularFile(target)
        || !Files.isExecutable(target)
        || !Arrays.equals(Files.readAllBytes(target), bytes)) {
      InstalledFiles.writeAtomically(target, bytes);
    }
    InstalledFiles.removeOthers(directory, PREFIX + "*", target);
    return Optional.of(target);
  }

  private static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
