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

  /** Whether several servers may share stores of this kind as nodes ({@link #openAsNode}). */
  default boolean sharedByNodes() {
    return false;
  }

  /**
   * Opens the store for one node of several sharing it: the node is registered and every append is
   * fenced on the leases of its runs (see {@link RunOwnership}).
   *
   * @param leaseTime how long a lease lasts without renewal
   * @throws UnsupportedOperationException unless {@link #sharedByNodes}
   */
  default EventStore openAsNode(
      StoreUrl url, Path localFiles, NodeIdentity node, java.time.Duration leaseTime) {
    throw new UnsupportedOperationException(scheme() + " stores are not shared by nodes");
  }

  /** The offline checks of the store at the URL, for a stopped server. */
  StoreChecks checks(StoreUrl url, Path localFiles);
}
