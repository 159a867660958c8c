package dev.cairn.server.runtime;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RemovedRun;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Removes one finished run: its events and projection row in one store transaction (which the store
 * refuses for a run that has not ended), then its files, the step output under {@code
 * <data>/logs/<run id>}, and the run directory and the outputs directory ({@code <run id>.io}) the
 * server made under the work root.
 *
 * <p>The files go after the commit: a crash between the two leaves files of a run the store no
 * longer knows, which {@link #removeLeftovers} (once at each start) or the next removal of the same
 * id removes; never a run whose output is gone while its events remain.
 */
public final class RunRemover {
  private static final Logger LOG = Logger.getLogger(RunRemover.class);

  private final EventStore store;
  private final Path logsRoot;
  private final Path workRoot;
  private final Clock clock;

  public RunRemover(EventStore store, EngineSettings settings, Clock clock) {
    this.store = store;
    this.logsRoot = settings.dataDir().resolve("logs");
    this.workRoot = settings.workRoot();
    this.clock = clock;
  }

  /**
   * Removes the run now, for a delete; a run removed before answers with its tombstone.
   *
   * @throws RunNotFoundException if no run has this id
   * @throws dev.cairn.server.store.RunStillLiveException if the run has not ended
   */
  public RemovedRun delete(String runId) {
    return remove(runId, RemovedRun.Cause.DELETE)
        .orElseThrow(() -> new RunNotFoundException(runId));
  }

  /** Removes the run for retention; empty when it is gone already. */
  Optional<RemovedRun> expire(String runId) {
    return remove(runId, RemovedRun.Cause.RETENTION);
  }

  private Optional<RemovedRun> remove(String runId, RemovedRun.Cause cause) {
    requirePlainName(runId);
    Optional<RemovedRun> removed = store.removeRun(runId, cause, clock.instant());
    if (removed.isPresent()) {
      deleteFiles(runId);
    }
    return removed;
  }

  private void deleteFiles(String runId) {
    deleteTree(logsRoot.resolve(runId));
    deleteTree(workRoot.resolve(runId));
    deleteTree(workRoot.resolve(StepFiles.ioDirectoryName(runId)));
  }

  /**
   * Deletes the files of runs the store has removed (it keeps their tombstones) that a crash
   * between the removal's commit and its file deletion left behind.
   *
   * @return how many runs' files were deleted
   */
  public int removeLeftovers() {
    Set<String> seen = new HashSet<>();
    int removed = 0;
    for (Path root : List.of(logsRoot, workRoot)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          String runId = StepFiles.runOfIoDirectory(name).orElse(name);
          if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
              && seen.add(runId)
              && store.findRemovedRun(runId).isPresent()) {
            deleteFiles(runId);
            removed++;
          }
        }
      } catch (NoSuchFileException absent) {
        // Nothing was ever written there.
      } catch (IOException | RuntimeException e) {
        LOG.warnf("could not look for files of removed runs in %s: %s", root, e.getMessage());
      }
    }
    if (removed > 0) {
      LOG.infof("deleted the files left behind by %d removed runs", Integer.valueOf(removed));
    }
    return removed;
  }

  /** A run id names directories: it must stay one plain name below its root. */
  private static void requirePlainName(String runId) {
    if (runId.isEmpty()) {
      throw new IllegalArgumentException("run_id is required");
    }
    if (runId.equals(".") || runId.equals("..") || runId.contains("/") || runId.contains("\0")) {
      throw new IllegalArgumentException("run_id " + runId + " is not a run id");
    }
  }

  /** Deletes a directory and everything below it, never following a link out of it. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                throws IOException {
              if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
              }
              Files.deleteIfExists(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // The run's events are gone already; files left behind are logged, never a failed removal.
      LOG.warnf("could not delete all of %s: %s", root, e.getMessage());
    }
  }
}
