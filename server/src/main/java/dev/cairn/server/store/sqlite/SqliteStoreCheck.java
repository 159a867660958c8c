package dev.cairn.server.store.sqlite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * The checks the store runs on its file: at every open the cheap ones, whose cost grows with the
 * file and stays under a second for a million events, and offline (see {@link SqliteOfflineCheck})
 * the thorough ones.
 *
 * <p>At open: {@code PRAGMA quick_check} walks every page of every table and index (structure,
 * record format, free list), {@code PRAGMA integrity_check(runs)} also checks that the runs
 * projection's indexes (run_id, request_id, unfinished runs) hold exactly its rows, and the count
 * of runs in the projection must equal the count of runs in the events. Not covered at open: a
 * changed byte inside an event row that leaves the page well formed, and an events index that
 * disagrees with its table; the per-row checksums catch the first when the row is read, the read
 * paths catch the second (a run whose events cannot be found while its projection row can), and the
 * offline check finds both.
 */
final class SqliteStoreCheck {
  /** At most this many messages are taken from one SQLite check. */
  static final int MAX_MESSAGES = 20;

  private static final Pattern TREE = Pattern.compile("^Tree (\\d+) page (\\d+)");

  private SqliteStoreCheck() {}

  /** The structural check run before the schema is touched: damage found, empty when none. */
  static List<String> beforeMigration(Handle handle) {
    return structure(handle, false);
  }

  /** The projection checks run once the schema is current: damage found, empty when none. */
  static List<String> afterMigration(Handle handle) {
    List<String> damage = new ArrayList<>(pragma(handle, "PRAGMA integrity_check(runs)"));
    if (!damage.isEmpty()) {
      return damage;
    }
    try {
      long rows = handle.createQuery("SELECT count(*) FROM runs").mapTo(Long.class).one();
      long runs =
          handle
              .createQuery("SELECT count(*) FROM (SELECT DISTINCT run_id FROM events)")
              .mapTo(Long.class)
              .one();
      if (rows != runs) {
        damage.add(
            "the runs projection holds "
                + rows
                + " runs but the events hold "
                + runs
                + " (rebuild the projection offline)");
      }
    } catch (JdbiException e) {
      if (!SqliteErrors.isCorrupt(e)) {
        throw e;
      }
      damage.add("counting runs failed: " + SqliteErrors.oneLine(e));
    }
    return damage;
  }

  /**
   * SQLite's own check of every page: {@code integrity_check} when full (it also matches every
   * index against its table), else {@code quick_check}. Each message names the table or index and
   * the page, when SQLite says which.
   */
  static List<String> structure(Handle handle, boolean full) {
    String check = full ? "integrity_check" : "quick_check";
    return pragma(handle, "PRAGMA " + check + "(" + MAX_MESSAGES + ")");
  }

  private static List<String> pragma(Handle handle, String sql) {
    List<String> messages;
    try {
      messages = handle.createQuery(sql).mapTo(String.class).list();
    } catch (JdbiException e) {
      if (!SqliteErrors.isCorrupt(e)) {
        throw e;
      }
      return List.of(sql + " could not read the file: " + SqliteErrors.oneLine(e));
    }
    if (messages.size() == 1 && "ok".equals(messages.get(0))) {
      return List.of();
    }
    Map<Long, String> trees = trees(handle);
    // One row may hold several findings, one a line, after a "*** in database main ***" heading.
    return messages.stream()
        .flatMap(message -> message.lines())
        .map(String::trim)
        .filter(line -> !line.isEmpty() && !line.startsWith("*** in database"))
        .map(line -> name(line, trees))
        .toList();
  }

  /** "Tree 5 page 9 ..." becomes "table events: Tree 5 page 9 ...". */
  private static String name(String message, Map<Long, String> trees) {
    String line = message;
    Matcher tree = TREE.matcher(line);
    if (!tree.find()) {
      return line;
    }
    String named = trees.get(Long.valueOf(tree.group(1)));
    return named == null ? line : named + ": " + line;
  }

  /** Root page to "table events" / "index runs_by_name", as far as the schema can be read. */
  private static Map<Long, String> trees(Handle handle) {
    Map<Long, String> trees = new HashMap<>();
    try {
      handle
          .createQuery("SELECT type, name, rootpage FROM sqlite_schema WHERE rootpage > 0")
          .map((row, ctx) -> new Object[] {row.getString(1), row.getString(2), row.getLong(3)})
          .forEach(row -> trees.put((Long) row[2], row[0] + " " + row[1]));
    } catch (JdbiException e) {
      // The schema itself may be what is damaged: the messages then keep SQLite's tree numbers.
    }
    return trees;
  }
}
