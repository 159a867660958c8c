package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUrl;
import java.util.Optional;

/**
 * Opens the data directory and the event store it names, and turns what can go wrong there into
 * one-line refusals of the start.
 */
final class StoreOpening {

  /** What was opened. */
  record Opened(DataDirectory directory, StoreUrl url, EventStore store) {}

  private StoreOpening() {}

  /** Locks the data directory and opens the default store in it. */
  static Opened open(Optional<String> configured) {
    return open(configured, Optional.empty());
  }

  /**
   * Locks the data directory and opens the store the setting names (the adapter may keep files it
   * needs in the directory); the directory is released again if the store cannot be opened.
   */
  static Opened open(Optional<String> configured, Optional<String> store) {
    return open(configured, store, Optional.empty());
  }

  /**
   * As {@link #open(Optional, Optional)}; on PostgreSQL with {@code nodeAddress} given, the store
   * is opened as one node of several (see {@link ClusterOpening}).
   */
  static Opened open(
      Optional<String> configured, Optional<String> store, Optional<String> nodeAddress) {
    DataDirectory directory = DataDirectory.open(configured);
    try {
      // The token and the store id are created on the first start: a directory they cannot be
      // written to (read-only, full) refuses the start here, before anything else is set up.
      directory.token();
      directory.storeId();
      StoreUrl url = StoreSetting.resolve(store, directory.root());
      EventStore opened =
          nodeAddress.isPresent() && ClusterOpening.shared(url)
              ? StoreReport.opened(ClusterOpening.open(url, directory, nodeAddress.get()), url)
              : StoreReport.open(url, directory.root());
      return new Opened(directory, url, opened);
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

  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
