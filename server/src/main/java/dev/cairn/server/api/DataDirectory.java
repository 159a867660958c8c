package dev.cairn.server.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The server's data directory: it holds the bearer token (0600, generated on first start), this
 * store's id for process markers, step output, and the event store unless {@code cairn.store} puts
 * it elsewhere. One server at a time: a lock is held for the life of the process, because two
 * engines on one log would each kill the other's processes as strays.
 */
public final class DataDirectory implements AutoCloseable {
  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** The default location: $XDG_DATA_HOME/cairn, else ~/.local/share/cairn. */
  public static Path defaultPath() {
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("cairn");
  }

  /** Creates (0700) and locks the directory. */
  public static DataDirectory open(Optional<String> configured) {
    Path root = configured.filter(s -> !s.isBlank()).map(Path::of).orElse(defaultPath());
    try {
      root = root.toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) {
        Files.createDirectories(
            root,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      refuseOpenToOthers(root);
      FileChannel channel =
          FileChannel.open(
              root.resolve("server.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new StartRefused(
            "another Cairn server is using the data directory "
                + root
                + " (stop it, or choose another directory with --data-dir or cairn.data-dir)");
      }
      return new DataDirectory(root, channel, lock);
    } catch (IOException e) {
      throw new StartRefused("cannot use the data directory " + root + ": " + reason(e));
    }
  }

  /**
   * The directory holds the token, the database, and the helper and native library the server runs
   * (as root, when it runs as root): any user who can write in it, or another user who owns it,
   * could swap them. Such a directory is refused rather than used.
   */
  private static void refuseOpenToOthers(Path root) throws IOException {
    Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    Object owner = Files.getAttribute(root, "unix:uid");
    if (!self.equals(owner)) {
      throw new StartRefused(
          "the data directory "
              + root
              + " belongs to another user (uid "
              + owner
              + "); it must be the server's own (it holds the token and what the server runs)");
    }
    java.util.Set<java.nio.file.attribute.PosixFilePermission> mode =
        Files.getPosixFilePermissions(root);
    // A group that may write is a choice its owner made; everyone is not.
    if (mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
      throw new StartRefused(
          "the data directory "
              + root
              + " can be written by other users (mode "
              + PosixFilePermissions.toString(mode)
              + "); it holds the token and what the server runs: chmod 700 "
              + root);
    }
  }

  /**
   * What went wrong, in words: the JDK names only the path for some failures (a file where a
   * directory should be, a denied permission), and the path is already in the message.
   */
  static String reason(IOException e) {
    if (e instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " exists and is not a directory";
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (e instanceof NoSuchFileException missing) {
      return missing.getFile() + ": no such file or directory";
    }
    if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return fileSystem.getReason()
          + (fileSystem.getFile() == null ? "" : " (" + fileSystem.getFile() + ")");
    }
    return String.valueOf(e.getMessage());
  }

  public Path root() {
    return root;
  }

  /** The bearer token, generated into a 0600 file on first use. */
  public String token() {
    return readOrCreate(root.resolve("token"), () -> random(32, true));
  }

  /** A short random id naming this store in process markers. */
  public String storeId() {
    return readOrCreate(root.resolve("store-id"), () -> random(6, false));
  }

  /**
   * The id of this server as a node of a cluster, generated on first use: kept here, it stays the
   * same across restarts, so a restarted node takes its own runs back at once.
   */
  public String nodeId() {
    return readOrCreate(root.resolve("node-id"), () -> "node-" + random(4, false));
  }

  private static String random(int bytes, boolean base64) {
    byte[] value = new byte[bytes];
    new SecureRandom().nextBytes(value);
    return base64
        ? Base64.getUrlEncoder().withoutPadding().encodeToString(value)
        : HexFormat.of().formatHex(value);
  }

  private static String readOrCreate(Path file, java.util.function.Supplier<String> create) {
    try {
      if (!Files.exists(file)) {
        String value = create.get();
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        Files.createFile(
            temporary,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, value + "\n", StandardCharsets.UTF_8);
        try {
          Files.move(temporary, file);
        } catch (FileAlreadyExistsException raced) {
          Files.deleteIfExists(temporary);
        }
      }
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new StartRefused(file + " is empty: delete it, and the server creates a new one");
      }
      return value;
    } catch (IOException e) {
      // Only the start creates these files: a failure is a start the operator must fix.
      throw new StartRefused("cannot read or create " + file + ": " + reason(e));
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // The lock dies with the process anyway.
    }
  }
}
