package dev.cairn.server.runtime;

import dev.cairn.server.store.StoreException;

/** Why a node that fenced itself refuses a submit: answered as UNAVAILABLE, to try elsewhere. */
final class FencedRefusal {
  private FencedRefusal() {}

  static StoreUnavailableException create() {
    return new StoreUnavailableException(
        new StoreException(
            "this node could not renew its run leases and stopped its steps; it takes work again"
                + " once it reaches the database (another node may take this request now)"));
  }
}
