package dev.cairn.server.api;

import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.StoreCheckReport;
import dev.cairn.server.store.StoreChecks;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code cairn server check [--data-dir DIR] [--store URL] [--rebuild-projection]}: checks a
 * stopped server's store (the one {@code cairn.store} names, else the default in the data
 * directory) and names any damage; with {@code --rebuild-projection}, rewrites the store from its
 * events when they are intact. Exit status: 0 sound (or rebuilt sound), 1 damaged, 2 could not
 * check.
 */
final class StoreCheckCommand {
  static final int SOUND = 0;
  static final int DAMAGED = 1;
  static final int CANNOT_CHECK = 2;

  private static final String USAGE =
      "usage: cairn server check [--data-dir DIR] [--store URL] [--rebuild-projection]";

  private StoreCheckCommand() {}

  static int run(List<String> args) {
    return run(args, System.out, System.err);
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    String dataDir = System.getProperty("cairn.data-dir");
    String store = System.getProperty(StoreSetting.PROPERTY);
    boolean rebuild = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--rebuild-projection")) {
        rebuild = true;
      } else if (arg.equals("--data-dir") && i + 1 < args.size()) {
        dataDir = args.get(++i);
      } else if (arg.startsWith("--data-dir=")) {
        dataDir = arg.substring("--data-dir=".length());
      } else if (arg.equals("--store") && i + 1 < args.size()) {
        store = args.get(++i);
      } else if (arg.startsWith("--store=")) {
        store = arg.substring("--store=".length());
      } else {
        err.println("cairn server check: unknown argument '" + arg + "'; " + USAGE);
        return CANNOT_CHECK;
      }
    }
    Path root =
        (dataDir == null || dataDir.isBlank() ? DataDirectory.defaultPath() : Path.of(dataDir))
            .toAbsolutePath()
            .normalize();
    StoreChecks checks;
    boolean exists;
    try {
      StoreUrl url = StoreSetting.resolve(Optional.ofNullable(store), root);
      checks = EventStores.checks(url, root);
      // Asking a database server may fail (it is down, or refuses the login): one line says so.
      exists = checks.exists();
    } catch (StoreException e) {
      err.println("cairn server check: " + e.getMessage());
      return CANNOT_CHECK;
    }
    if (!exists) {
      err.println("cairn server check: there is no event store at " + checks.location());
      return CANNOT_CHECK;
    }
    // The lock keeps a server from starting on the store while it is checked or rebuilt.
    try (DataDirectory directory = DataDirectory.open(Optional.of(root.toString()))) {
      return check(checks, rebuild, out, err);
    } catch (StartRefused | StoreException e) {
      err.println("cairn server check: " + e.getMessage());
      return CANNOT_CHECK;
    }
  }

  private static int check(StoreChecks checks, boolean rebuild, PrintStream out, PrintStream err) {
    String database = checks.location();
    Optional<String> mark = checks.damageMark();
    mark.ifPresent(text -> out.println("marked damaged by the server while serving: " + text));
    StoreCheckReport report = checks.check();
    out.printf(
        "checked %s: %d events of %d runs%n",
        database, Long.valueOf(report.events()), Long.valueOf(report.runs()));
    report.notes().forEach(note -> out.println("note: " + note));
    report.damage().forEach(finding -> out.println("damage: " + finding));
    if (report.clean()) {
      clearMark(checks, mark, out);
      out.println("no damage found");
      return SOUND;
    }
    if (!rebuild) {
      out.println(
          report.eventsIntact()
              ? "the events are intact: `cairn server check --rebuild-projection` rebuilds the"
                  + " rest of the store from them"
              : "the events themselves are damaged: restore a backup of " + database);
      return DAMAGED;
    }
    String kept;
    try {
      kept = checks.rebuild();
    } catch (StoreException e) {
      err.println("cairn server check: " + e.getMessage());
      return DAMAGED;
    }
    StoreCheckReport after = checks.check();
    after.damage().forEach(finding -> out.println("damage after the rebuild: " + finding));
    out.printf(
        "rebuilt %s from %d events; the damaged file is kept as %s%n",
        database, Long.valueOf(after.events()), kept);
    return after.clean() ? SOUND : DAMAGED;
  }

  private static void clearMark(StoreChecks checks, Optional<String> mark, PrintStream out) {
    if (mark.isEmpty()) {
      return;
    }
    try {
      checks.clearDamageMark();
      out.println("the store checks clean now: the mark is removed and the server will start");
    } catch (IOException e) {
      out.println("the store checks clean, but its damage mark cannot be removed: " + e);
    }
  }
}
