package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUrl;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Opens the data directory and the event store on a thread of its own from the first moment of the
 * process, while Quarkus boots on the main thread: the two used to run one after the other, and a
 * start's JVM used about 1.2 of the machine's 2 cores. {@link CairnServer} then takes what was
 * opened instead of opening it again.
 *
 * <p>Only a data directory named by the system property {@code cairn.data-dir} (which {@code
 * bin/cairn server --data-dir} sets) is opened early: no other configuration source can override a
 * system property, so the early directory is the one the server is configured with. The store is
 * the one {@code -Dcairn.store} names, else the default in that directory; when {@code CAIRN_STORE}
 * is set without the property, nothing is opened early, since the environment names the store. The
 * server compares what was opened with its settings and closes it when they differ. A failure here
 * is not reported: the server opens the directory itself and reports its own failure.
 */
final class StoreHeadStart {
  private static final Logger LOG = Logger.getLogger(StoreHeadStart.class);
  private static final String PROPERTY = "cairn.data-dir";
  private static volatile CompletableFuture<Opened> pending;

  /** What was opened early. */
  record Opened(DataDirectory directory, StoreUrl url, EventStore store) {}

  private StoreHeadStart() {}

  /** Starts opening the store named by {@code -Dcairn.data-dir}, if any. */
  static void begin() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null
        || configured.isBlank()
        || "false".equals(System.getProperty("cairn.store-head-start"))
        || (System.getProperty(StoreSetting.PROPERTY) == null
            && System.getenv("CAIRN_STORE") != null)) {
      return;
    }
    Optional<String> store = Optional.ofNullable(System.getProperty(StoreSetting.PROPERTY));
    CompletableFuture<Opened> future = new CompletableFuture<>();
    pending = future;
    Thread thread =
        new Thread(
            () -> {
              try {
                future.complete(open(Optional.of(configured), store));
              } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
              }
            },
            "cairn-store-open");
    thread.setDaemon(true);
    thread.start();
  }

  /** Locks the data directory and opens the default store in it. */
  static Opened open(Optional<String> configured) {
    return open(configured, Optional.empty());
  }

  /**
   * Locks the data directory and opens the store the setting names (the adapter may keep files it
   * needs in the directory); the directory is released again if the store cannot be opened.
   */
  static Opened open(Optional<String> configured, Optional<String> store) {
    DataDirectory directory = DataDirectory.open(configured);
    try {
      // The token and the store id are created on the first start: a directory they cannot be
      // written to (read-only, full) refuses the start here, before anything else is set up.
      directory.token();
      directory.storeId();
      StoreUrl url = StoreSetting.resolve(store, directory.root());
      return new Opened(directory, url, StoreReport.open(url, directory.root()));
    } catch (StoreCorruptException e) {
      directory.close();
      throw new StartRefused(
          oneLine(e.getMessage())
              + "; the server does not start on a damaged store: check it with `cairn server"
              + " check --data-dir "
              + directory.root()
              + "` (add --rebuild-projection to rebuild what the events can rebuild)");
    } catch (StoreException e) {
      directory.close();
      throw new StartRefused(oneLine(e.getMessage()));
    } catch (RuntimeException | Error e) {
      directory.close();
      throw e;
    }
  }

  private static boolean sameStore(Opened opened, Optional<String> store) {
    try {
      return StoreSetting.resolve(store, opened.directory().root()).equals(opened.url());
    } catch (StoreException e) {
      // The server resolves the setting again and refuses the start in one line.
      return false;
    }
  }

  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** What was opened early for the configured data directory and the default store. */
  static Optional<Opened> take(Optional<String> configured) {
    return take(configured, Optional.empty());
  }

  /**
   * What was opened early for the configured data directory and store, waiting for it to finish;
   * empty when nothing was opened early, when opening failed, or when the directory or the store is
   * another one (which is then closed).
   */
  static Optional<Opened> take(Optional<String> configured, Optional<String> store) {
    CompletableFuture<Opened> future = pending;
    pending = null;
    if (future == null) {
      return Optional.empty();
    }
    Opened opened;
    try {
      opened = future.join();
    } catch (CompletionException e) {
      LOG.debugf("opening the store early failed; opening it again: %s", e.getCause());
      return Optional.empty();
    }
    Path wanted = configured.filter(s -> !s.isBlank()).map(Path::of).orElse(null);
    if (wanted == null
        || !wanted.toAbsolutePath().normalize().equals(opened.directory().root())
        || !sameStore(opened, store)) {
      opened.store().close();
      opened.directory().close();
      return Optional.empty();
    }
    return Optional.of(opened);
  }
}
