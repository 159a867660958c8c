package dev.cairn.server.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The working directory of a run whose spec names none: {@code <work root>/<run id>}, made 0700 at
 * the run's first launch and kept after the run ends. It lies outside the data directory, so a step
 * started without a working directory does not start next to the server's token and database.
 *
 * <p>The work root defaults to a directory under the system's temporary directory, which other
 * users can write to: before a step starts in it, the work root must be a real directory of the
 * server's user that no one else can enter, inside a directory no one else can rename it in.
 */
final class RunDirectory {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private RunDirectory() {}

  /** Returns the run's directory, made if it is missing. */
  static Path prepare(Path workRoot, String runId) throws IOException {
    Path directory = workRoot.resolve(runId);
    if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return directory;
    }
    Files.createDirectories(workRoot, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    checkOwnedAndClosed(workRoot);
    try {
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
    return directory;
  }

  private static void checkOwnedAndClosed(Path workRoot) throws IOException {
    Path self = Path.of("/proc/self");
    Object uid = Files.getAttribute(self, "unix:uid");
    PosixFileAttributes root =
        Files.readAttributes(workRoot, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    boolean ours =
        root.isDirectory()
            && uid.equals(Files.getAttribute(workRoot, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    if (!ours || !OWNER_ONLY.containsAll(root.permissions())) {
      throw new IOException(
          "the work root "
              + workRoot
              + " must be a directory of the server's user with mode 0700 (see cairn.work-root)");
    }
    Path parent = workRoot.toAbsolutePath().getParent();
    if (parent == null) {
      return;
    }
    int parentUid = (Integer) Files.getAttribute(parent, "unix:uid");
    int parentMode = (Integer) Files.getAttribute(parent, "unix:mode");
    boolean othersWrite = (parentMode & 0022) != 0;
    boolean sticky = (parentMode & 01000) != 0;
    if ((parentUid != 0 && !uid.equals(parentUid)) || (othersWrite && !sticky)) {
      throw new IOException(
          "the work root "
              + workRoot
              + " lies in "
              + parent
              + ", which another user can change (see cairn.work-root)");
    }
  }
}
