package dev.cairn.server.runtime;

import dev.cairn.server.process.RunAsUser;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The working directory of a run whose spec names none: {@code <work root>/<run id>}, made 0700 at
 * the run's first launch and kept after the run ends, until the run is removed (retention or
 * delete, see {@link RunRemover}). It lies outside the data directory, so a step started without a
 * working directory does not start next to the server's token and database.
 *
 * <p>The work root defaults to a directory under the system's temporary directory, which other
 * users can write to: before a step starts in it, the work root must be a real directory of the
 * server's user that no one else can enter, inside a directory no one else can rename it in.
 *
 * <p>When steps run as another user (cairn.run-as-user), the run directory is that user's, and the
 * work root and the directory above it, when they are the server's, are 0711: the user can pass
 * through them to the run directory, but no one else can list them or write in them.
 */
final class RunDirectory {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PASS_THROUGH =
      PosixFilePermissions.fromString("rwx--x--x");

  private RunDirectory() {}

  /** Returns the run's directory, made if it is missing. */
  static Path prepare(Path workRoot, String runId) throws IOException {
    return prepare(workRoot, runId, Optional.empty());
  }

  /**
   * Returns the run's directory, made if it is missing, and owned by {@code runAs} if present. The
   * work root is checked before the first directory is made in it, and again whenever it is found
   * missing: the check costs half a dozen system calls, which every run's start paid while the
   * answer could not change without the server's user (or root) changing the work root.
   */
  static Path prepare(Path workRoot, String runId, Optional<RunAsUser> runAs) throws IOException {
    Path directory = workRoot.resolve(runId);
    if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      // A later step of the run: one stat, where trying to make it again would build an exception.
      return directory;
    }
    Set<PosixFilePermission> rootMode = runAs.isPresent() ? PASS_THROUGH : OWNER_ONLY;
    CheckedRoot root = new CheckedRoot(workRoot.toAbsolutePath(), rootMode);
    if (!CHECKED.contains(root)) {
      checkWorkRoot(root, runAs);
    }
    try {
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
      return directory;
    } catch (NoSuchFileException e) {
      // The work root was removed since it was checked: make it and check it again.
      CHECKED.remove(root);
      checkWorkRoot(root, runAs);
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    if (runAs.isPresent()) {
      giveTo(directory, runAs.get());
    }
    return directory;
  }

  /** Work roots found fit to make run directories in, each with the mode it was checked for. */
  private static final Set<CheckedRoot> CHECKED = ConcurrentHashMap.newKeySet();

  private record CheckedRoot(Path workRoot, Set<PosixFilePermission> mode) {}

  /**
   * Makes the work root if it is missing, refuses one another user could enter or change, and
   * remembers one found fit.
   */
  private static void checkWorkRoot(CheckedRoot root, Optional<RunAsUser> runAs)
      throws IOException {
    Files.createDirectories(root.workRoot(), PosixFilePermissions.asFileAttribute(root.mode()));
    if (runAs.isPresent()) {
      openToPassThrough(root.workRoot());
    }
    checkOwnedAndClosed(root.workRoot(), root.mode());
    CHECKED.add(root);
  }

  /**
   * A work root made before steps ran as another user is 0700, and so may be the directory above it
   * (the configured work root, with the store's directory below it): the server's own ones get
   * execute for everyone, and nothing more.
   */
  private static void openToPassThrough(Path workRoot) throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    Path parent = workRoot.toAbsolutePath().getParent();
    for (Path level : parent == null ? List.of(workRoot) : List.of(parent, workRoot)) {
      PosixFileAttributes attributes =
          Files.readAttributes(level, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()
          && uid.equals(Files.getAttribute(level, "unix:uid", LinkOption.NOFOLLOW_LINKS))
          && attributes.permissions().equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(level, PASS_THROUGH);
      }
    }
  }

  /** Hands the run directory, and only it, to the user the steps run as. */
  private static void giveTo(Path directory, RunAsUser user) throws IOException {
    UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view =
        Files.getFileAttributeView(
            directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    // By number, not name: the same ids the helper switches to.
    view.setOwner(lookup.lookupPrincipalByName(Integer.toString(user.uid())));
    view.setGroup(lookup.lookupPrincipalByGroupName(Integer.toString(user.gid())));
  }

  private static void checkOwnedAndClosed(Path workRoot, Set<PosixFilePermission> mode)
      throws IOException {
    Path self = Path.of("/proc/self");
    Object uid = Files.getAttribute(self, "unix:uid");
    PosixFileAttributes root =
        Files.readAttributes(workRoot, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    boolean ours =
        root.isDirectory()
            && uid.equals(Files.getAttribute(workRoot, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    if (!ours || !mode.containsAll(root.permissions())) {
      throw new IOException(
          "the work root "
              + workRoot
              + " must be a directory of the server's user with mode "
              + (mode.equals(OWNER_ONLY) ? "0700" : "0711 or less")
              + " (see cairn.work-root)");
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
