package dev.cairn.server.store;

import java.nio.file.Path;

/**
 * One kind of event store, found by {@link EventStores} through {@link java.util.ServiceLoader}: an
 * adapter registers its provider in {@code META-INF/services}, so adding one changes nothing else.
 */
public interface StoreProvider {

  /** The scheme of the store URLs this provider opens, lower case. */
  String scheme();

  /**
   * Opens (creating if needed) the store at the URL.
   *
   * @param localFiles a directory of the server's own where the adapter may keep files it needs on
   *     this machine, such as a native library
   * @throws StoreCorruptException if the store is damaged
   * @throws StoreException if the store cannot be opened
   */
  EventStore open(StoreUrl url, Path localFiles);

  /** The offline checks of the store at the URL, for a stopped server. */
  StoreChecks checks(StoreUrl url, Path localFiles);
}
