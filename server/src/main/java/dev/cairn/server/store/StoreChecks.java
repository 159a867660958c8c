package dev.cairn.server.store;

import java.io.IOException;
import java.util.Optional;

/**
 * The thorough check of a store and its repair, run with the server stopped ({@code cairn server
 * check}): what the store can tell about its own damage, whatever database holds it.
 */
public interface StoreChecks {

  /** Whether there is a store at all where the URL points. */
  boolean exists();

  /** Where the store is, for the operator. */
  String location();

  /** What a server wrote when it found damage while serving, if it did. */
  Optional<String> damageMark();

  /** Removes that mark, once the store checks clean, so that the server starts again. */
  void clearDamageMark() throws IOException;

  /** Checks the whole store; nothing in it is changed. */
  StoreCheckReport check();

  /**
   * Rebuilds what the events imply (the runs projection, every index) from the intact events, and
   * says where the damaged original was kept.
   *
   * @throws StoreException when the events themselves are damaged, or the rebuild fails
   */
  String rebuild();
}
