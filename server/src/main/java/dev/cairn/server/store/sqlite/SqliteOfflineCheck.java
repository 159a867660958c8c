package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.v1.Event;
import dev.cairn.v1.Event.PayloadCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.sqlite.SQLiteConfig;

/**
 * The thorough check of a store, run with the server stopped: SQLite's {@code integrity_check}
 * (every page, every index against its table), every event's checksum, payload and sequence
 * numbers, every projection row's checksum, and the projection against one rebuilt from the events.
 * Each finding names the table, page, row or run, as precisely as SQLite and the checksums allow.
 */
public final class SqliteOfflineCheck {
  /** Findings kept per kind; beyond it only their number is told. */
  private static final int MAX_FINDINGS = 50;

  private static final int CHECKSUMS_VERSION = 3;

  /**
   * What the check found.
   *
   * @param damage each finding, in the order found; empty when the store is sound
   * @param notes what the check could not cover, which is not damage
   * @param eventsIntact whether every event was read back whole and in sequence, so the rest of the
   *     store (the runs projection, every index) can be rebuilt from them
   * @param events how many events were read
   * @param runs how many runs the events hold
   */
  public record Report(
      List<String> damage, List<String> notes, boolean eventsIntact, long events, long runs) {
    public boolean clean() {
      return damage.isEmpty();
    }
  }

  private final Handle handle;
  private final boolean checksummed;
  private final Findings structure = new Findings("structure");
  private final Findings eventFindings = new Findings("events");
  private final Findings projectionFindings = new Findings("runs projection");
  private boolean eventsReadWhole = true;
  private long eventCount;

  private SqliteOfflineCheck(Handle handle, boolean checksummed) {
    this.handle = handle;
    this.checksummed = checksummed;
  }

  /** Checks the store in the given file, which must exist; nothing in it is changed. */
  public static Report check(Path databaseFile) {
    Path file = databaseFile.toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new StoreException("there is no event store at " + file);
    }
    try (Connection connection = connect(file);
        Handle handle = Jdbi.create(() -> connection).open()) {
      int version;
      try {
        version = handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
      } catch (JdbiException e) {
        if (SqliteErrors.isCorrupt(e)) {
          return new Report(
              List.of(file + " is not a database, or its header is damaged: " + oneLine(e)),
              List.of(),
              false,
              0,
              0);
        }
        throw e;
      }
      return new SqliteOfflineCheck(handle, version >= CHECKSUMS_VERSION).run();
    } catch (SQLException e) {
      throw new StoreException("cannot open " + file + " to check it: " + oneLine(e), e);
    }
  }

  /**
   * Rewrites the store from its events into a new file and puts it in place of the old one, which
   * is kept beside it as {@code <name>.damaged-<millis>}: the runs projection and every index are
   * rebuilt, the events are copied as they are. Refused when the events themselves are damaged,
   * since they are the record and nothing else can rebuild them.
   *
   * @return where the old file was kept
   */
  public static Path rebuild(Path databaseFile) {
    Path file = databaseFile.toAbsolutePath();
    Report report = check(file);
    if (!report.eventsIntact()) {
      throw new StoreException(
          "cannot rebuild "
              + file
              + ": the events themselves are damaged, and they are the record the rest is"
              + " rebuilt from; restore a backup (or salvage what is readable with the sqlite3"
              + " shell's .recover)");
    }
    return SqliteRebuild.rebuild(file);
  }

  /** Removes the mark a server leaves when it finds damage while serving. */
  public static void clearDamageMark(Path databaseFile) throws IOException {
    DamageMark.remove(databaseFile.toAbsolutePath());
  }

  /** What the server wrote when it found damage while serving, if it did. */
  public static Optional<String> damageMark(Path databaseFile) {
    return DamageMark.read(databaseFile.toAbsolutePath());
  }

  static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(SqlitePragmas.BUSY_TIMEOUT_MS);
    return config.createConnection("jdbc:sqlite:" + file);
  }

  private Report run() {
    structure.addAll(SqliteStoreCheck.structure(handle, true));
    List<String> notes = new ArrayList<>();
    if (!checksummed) {
      notes.add(
          "the store predates row checksums (schema version below "
              + CHECKSUMS_VERSION
              + "): rows were checked for structure and sequence only; the server adds them when"
              + " it next opens the store");
    }
    Map<String, StoredRows.RunRow> expected = eventsAndTheirProjection();
    compareProjection(expected);
    boolean eventTreesSound =
        structure.items.stream().noneMatch(finding -> finding.contains(" events"));
    List<String> damage = new ArrayList<>();
    damage.addAll(structure.report());
    damage.addAll(eventFindings.report());
    damage.addAll(projectionFindings.report());
    return new Report(
        List.copyOf(damage),
        List.copyOf(notes),
        eventsReadWhole && eventFindings.isEmpty() && eventTreesSound,
        eventCount,
        expected.size());
  }

  /**
   * Reads every event in log order, checking each, and folds the run-level ones into the runs rows
   * they imply, computed by the projection's own code in a scratch in-memory database.
   */
  private Map<String, StoredRows.RunRow> eventsAndTheirProjection() {
    String sql =
        "SELECT "
            + (checksummed
                ? StoredRows.EVENT_COLUMNS
                : StoredRows.EVENT_COLUMNS.replace("crc", "NULL"))
            + " FROM events ORDER BY global_seq";
    Map<String, Long> lastRunSeq = new HashMap<>();
    long expectedGlobalSeq = 1;
    long highestRemoved = SqliteRunRemoval.highestRemovedIfKept(handle);
    try (ScratchProjection projection = ScratchProjection.open();
        Statement statement = handle.getConnection().createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (true) {
        try {
          if (!rows.next()) {
            break;
          }
        } catch (SQLException e) {
          eventFindings.add(
              "reading the events after global_seq "
                  + (expectedGlobalSeq - 1)
                  + " failed: "
                  + oneLine(e));
          eventsReadWhole = false;
          break;
        }
        long globalSeq = rows.getLong(1);
        // Numbers of removed runs are missing for good; all of them lie at or below the highest.
        if (globalSeq != expectedGlobalSeq && globalSeq - 1 > highestRemoved) {
          eventFindings.add(
              "events global_seq " + expectedGlobalSeq + ".." + (globalSeq - 1) + " are missing");
        }
        expectedGlobalSeq = globalSeq + 1;
        eventCount++;
        Event event;
        try {
          event = StoredRows.event(rows, checksummed);
        } catch (StoreCorruptException damaged) {
          eventFindings.add(damaged.getMessage());
          continue;
        }
        long previous = lastRunSeq.getOrDefault(event.getRunId(), 0L);
        if (event.getRunSeq() != previous + 1) {
          eventFindings.add(
              "run "
                  + event.getRunId()
                  + ": event global_seq "
                  + globalSeq
                  + " has run_seq "
                  + event.getRunSeq()
                  + " after "
                  + previous);
        }
        lastRunSeq.put(event.getRunId(), event.getRunSeq());
        if (RunsProjection.RUN_LEVEL_TYPES.contains(event.getPayloadCase())) {
          try {
            projection.apply(event);
          } catch (StoreException e) {
            eventFindings.add(
                "run " + event.getRunId() + ": event global_seq " + globalSeq + ": " + oneLine(e));
          }
        } else if (event.getPayloadCase() == PayloadCase.PAYLOAD_NOT_SET) {
          eventFindings.add("event global_seq " + globalSeq + " has no payload");
        }
      }
      return projection.rows();
    } catch (SQLException e) {
      eventFindings.add("reading the events failed: " + oneLine(e));
      eventsReadWhole = false;
      return Map.of();
    }
  }

  /** Every stored row against the row its events imply. */
  private void compareProjection(Map<String, StoredRows.RunRow> expected) {
    Map<String, StoredRows.RunRow> stored = new LinkedHashMap<>();
    String sql =
        "SELECT "
            + (checksummed ? StoredRows.RUN_COLUMNS : StoredRows.RUN_COLUMNS.replace("crc", "NULL"))
            + ", rowid FROM runs ORDER BY rowid";
    try (Statement statement = handle.getConnection().createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        try {
          StoredRows.RunRow row = StoredRows.run(rows, checksummed);
          stored.put(row.runId(), row);
        } catch (StoreCorruptException damaged) {
          projectionFindings.add("rowid " + rows.getLong(9) + ": " + damaged.getMessage());
        }
      }
    } catch (SQLException e) {
      projectionFindings.add("reading the runs projection failed: " + oneLine(e));
    }
    for (StoredRows.RunRow want : expected.values()) {
      StoredRows.RunRow have = stored.remove(want.runId());
      if (have == null) {
        projectionFindings.add("run " + want.runId() + " has events but no readable row");
      } else if (!have.sameAs(want)) {
        projectionFindings.add(
            "run " + want.runId() + ": the row says " + have + " but its events say " + want);
      }
    }
    if (eventsReadWhole) {
      stored.keySet().forEach(runId -> projectionFindings.add("run " + runId + " has no events"));
    }
  }

  private static String oneLine(Exception e) {
    return SqliteErrors.oneLine(e);
  }

  /** Findings of one kind, at most {@link #MAX_FINDINGS} kept. */
  private static final class Findings {
    private final String kind;
    private final List<String> items = new ArrayList<>();
    private long more;

    Findings(String kind) {
      this.kind = kind;
    }

    void add(String finding) {
      if (items.size() < MAX_FINDINGS) {
        items.add(finding);
      } else {
        more++;
      }
    }

    void addAll(List<String> findings) {
      findings.forEach(this::add);
    }

    boolean isEmpty() {
      return items.isEmpty();
    }

    List<String> report() {
      List<String> report = new ArrayList<>(items);
      if (more > 0) {
        report.add("... and " + more + " more findings in the " + kind);
      }
      return report;
    }
  }
}
