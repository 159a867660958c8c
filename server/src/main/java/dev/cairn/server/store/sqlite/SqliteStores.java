package dev.cairn.server.store.sqlite;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreCheckReport;
import dev.cairn.server.store.StoreChecks;
import dev.cairn.server.store.StoreProvider;
import dev.cairn.server.store.StoreUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The SQLite adapter's entry, registered in {@code META-INF/services}: {@code sqlite:PATH} names a
 * database file (a relative path is taken from the working directory). Before the driver first
 * loads, its native library is installed under {@code <localFiles>/lib} (see {@link
 * SqliteNativeLibrary}).
 */
public final class SqliteStores implements StoreProvider {
  /** The scheme of SQLite store URLs. */
  public static final String SCHEME = "sqlite";

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public EventStore open(StoreUrl url, Path localFiles) {
    SqliteNativeLibrary.install(localFiles.resolve("lib"));
    return SqliteEventStore.open(file(url));
  }

  @Override
  public StoreChecks checks(StoreUrl url, Path localFiles) {
    return new FileChecks(file(url), localFiles.resolve("lib"));
  }

  private static Path file(StoreUrl url) {
    return Path.of(url.location()).toAbsolutePath().normalize();
  }

  /**
   * The offline checks of one database file. The native library is installed only by the checks
   * that load the driver, so that asking whether a store exists creates no directory.
   */
  private record FileChecks(Path database, Path libraries) implements StoreChecks {
    @Override
    public boolean exists() {
      return Files.isRegularFile(database);
    }

    @Override
    public String location() {
      return database.toString();
    }

    @Override
    public Optional<String> damageMark() {
      return SqliteOfflineCheck.damageMark(database);
    }

    @Override
    public void clearDamageMark() throws IOException {
      SqliteOfflineCheck.clearDamageMark(database);
    }

    @Override
    public StoreCheckReport check() {
      SqliteNativeLibrary.install(libraries);
      SqliteOfflineCheck.Report report = SqliteOfflineCheck.check(database);
      return new StoreCheckReport(
          report.damage(), report.notes(), report.eventsIntact(), report.events(), report.runs());
    }

    @Override
    public String rebuild() {
      SqliteNativeLibrary.install(libraries);
      return SqliteOfflineCheck.rebuild(database).toString();
    }
  }
}
