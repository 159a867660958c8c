package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.v1.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a store from its events: they are appended, in log order and unchanged, to a new store
 * in a file beside the old one, which recomputes the runs projection and builds every index afresh;
 * then the new file takes the old one's place. A damaged page of the projection or of an index is
 * thereby left behind, not repaired in place (SQLite may not even be able to free it).
 */
final class SqliteRebuild {
  private static final int CHUNK = 1000;

  private SqliteRebuild() {}

  /**
   * Rebuilds the store in file, whose events have been checked; returns where the old file went.
   */
  static Path rebuild(Path file) {
    Path scratch = file.resolveSibling(file.getFileName() + ".rebuild");
    try {
      deleteScratch(scratch);
      try (SqliteEventStore rebuilt = SqliteEventStore.open(scratch);
          Connection source = SqliteOfflineCheck.connect(file)) {
        copyEvents(source, rebuilt);
      }
      Path kept =
          file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
      Files.move(file, kept);
      for (String suffix : List.of("-wal", "-shm")) {
        Path side = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(side)) {
          Files.move(side, kept.resolveSibling(kept.getFileName() + suffix));
        }
      }
      Files.move(scratch, file, StandardCopyOption.ATOMIC_MOVE);
      DamageMark.remove(file);
      return kept;
    } catch (IOException | SQLException e) {
      throw new StoreException("rebuilding " + file + " failed: " + SqliteErrors.oneLine(e), e);
    }
  }

  private static void copyEvents(Connection source, SqliteEventStore target) throws SQLException {
    boolean checksummed = hasChecksums(source);
    String columns =
        checksummed ? StoredRows.EVENT_COLUMNS : StoredRows.EVENT_COLUMNS.replace("crc", "NULL");
    try (PreparedStatement select =
        source.prepareStatement("SELECT " + columns + " FROM events ORDER BY global_seq")) {
      try (ResultSet rows = select.executeQuery()) {
        List<Event> chunk = new ArrayList<>(CHUNK);
        while (rows.next()) {
          chunk.add(StoredRows.event(rows, checksummed));
          if (chunk.size() == CHUNK) {
            appendSame(target, chunk);
            chunk.clear();
          }
        }
        appendSame(target, chunk);
      }
    }
  }

  private static boolean hasChecksums(Connection source) throws SQLException {
    try (PreparedStatement version = source.prepareStatement("PRAGMA user_version");
        ResultSet row = version.executeQuery()) {
      return row.next() && row.getInt(1) >= SchemaMigrations.latestVersion();
    }
  }

  /** Appends and checks that every event kept its global_seq: the copy is the same log. */
  private static void appendSame(SqliteEventStore target, List<Event> chunk) {
    if (chunk.isEmpty()) {
      return;
    }
    List<Event> stored = target.append(chunk);
    for (int i = 0; i < chunk.size(); i++) {
      if (stored.get(i).getGlobalSeq() != chunk.get(i).getGlobalSeq()) {
        throw new StoreCorruptException(
            "the events are not gap-free at global_seq " + chunk.get(i).getGlobalSeq());
      }
    }
  }

  private static void deleteScratch(Path scratch) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(scratch.resolveSibling(scratch.getFileName() + suffix));
    }
  }
}
