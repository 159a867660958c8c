package dev.cairn.server.store.sqlite;

import dev.cairn.server.nativelib.InstalledFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import org.sqlite.util.OSInfo;

/**
 * sqlite-jdbc's native library, installed once in the data directory and loaded from there.
 *
 * <p>Left to itself, the driver copies its library out of its jar into a new temporary file on
 * every start, and first runs {@code uname -o} to rule out Android: about 180 ms of a restart after
 * a crash on the 2-core machine the benchmarks ran on (recovery to the first step started, median
 * of 6 samples, 1,060 against 870 ms). The copy here is named by the jar entry's CRC and size, so a
 * new driver version installs its own, and is used through the driver's {@code org.sqlite.lib.path}
 * and {@code org.sqlite.lib.name} properties. If it cannot load, the driver falls back to its own
 * extraction.
 */
public final class SqliteNativeLibrary {
  private static final System.Logger LOG = System.getLogger(SqliteNativeLibrary.class.getName());
  private static final String PATH_PROPERTY = "org.sqlite.lib.path";
  private static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static final String PREFIX = "libsqlitejdbc-";

  private SqliteNativeLibrary() {}

  /**
   * Installs the library in {@code directory} unless an identical copy is there, and points the
   * driver at it. Does nothing where the driver's own choice is not plain glibc Linux on x86_64 or
   * aarch64, when the library is not in a jar, or when the properties are already set.
   *
   * @return the library the driver will load, when this chose one
   */
  public static Optional<Path> install(Path directory) {
    if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
      return Optional.empty();
    }
    try {
      Optional<String> folder = folder();
      if (folder.isEmpty()) {
        return Optional.empty();
      }
      URL resource =
          SqliteNativeLibrary.class.getResource(
              "/org/sqlite/native/" + folder.get() + "/libsqlitejdbc.so");
      if (resource == null) {
        return Optional.empty();
      }
      URLConnection connection = resource.openConnection();
      if (!(connection instanceof JarURLConnection jar)) {
        return Optional.empty();
      }
      JarEntry entry = jar.getJarEntry();
      if (entry.getSize() <= 0 || entry.getCrc() < 0) {
        return Optional.empty();
      }
      Path target =
          directory.resolve(
              PREFIX + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + ".so");
      if (!Files.isRegularFile(target) || Files.size(target) != entry.getSize()) {
        byte[] bytes;
        try (InputStream in = jar.getInputStream()) {
          bytes = in.readAllBytes();
        }
        InstalledFiles.writeAtomically(target, bytes);
      }
      InstalledFiles.removeOthers(directory, PREFIX + "*", target);
      System.setProperty(PATH_PROPERTY, directory.toAbsolutePath().toString());
      System.setProperty(NAME_PROPERTY, target.getFileName().toString());
      return Optional.of(target);
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "SQLite's native library stays with the driver's own extraction: {0}",
          e.toString());
      return Optional.empty();
    }
  }

  // The driver's folder for this platform, for the cases where it is certain without asking uname.
  private static Optional<String> folder() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.equals("linux") || System.getProperty("java.runtime.name", "").contains("Android")) {
      return Optional.empty();
    }
    String folder =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64" -> "aarch64";
          default -> null;
        };
    if (folder == null || OSInfo.isMusl()) {
      return Optional.empty();
    }
    return Optional.of("Linux/" + folder);
  }
}
