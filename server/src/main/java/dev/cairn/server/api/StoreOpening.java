package dev.cairn.server.api;

import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.EventStores;
import dev.cairn.server.store.NodeIdentity;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUrl;
import java.util.Optional;

/**
 * Opens the data directory and the event store it names, and turns what can go wrong there into
 * one-line refusals of the start.
 */
final class StoreOpening {

  /**
   * What was opened.
   *
   * @param node the node settings, when the store is shared by nodes and opened for this one
   */
  record Opened(
      DataDirectory directory, StoreUrl url, EventStore store, Optional<NodeSetting> node) {
    Opened(DataDirectory directory, StoreUrl url, EventStore store) {
      this(directory, url, store, Optional.empty());
    }
  }

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
   * As {@link #open(Optional, Optional)}; when the store is of a kind several servers share and
   * {@code node} is given, the store is opened for the node it names in the data directory. The
   * node settings are read and checked only then, so a store of one server's own never sees them.
   */
  static Opened open(
      Optional<String> configured,
      Optional<String> store,
      Optional<java.util.function.Supplier<NodeSetting>> node) {
    DataDirectory directory = DataDirectory.open(configured);
    try {
      // The token and the store id are created on the first start: a directory they cannot be
      // written to (read-only, full) refuses the start here, before anything else is set up.
      directory.token();
      directory.storeId();
      StoreUrl url = StoreSetting.resolve(store, directory.root());
      if (node.isPresent() && EventStores.sharedByNodes(url)) {
        NodeSetting setting = node.get().get();
        NodeIdentity identity = setting.identity(directory);
        return new Opened(
            directory,
            url,
            StoreReport.openAsNode(url, directory.root(), identity, setting.leaseTime()),
            Optional.of(setting));
      }
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

  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
