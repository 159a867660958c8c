package dev.cairn.server.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The server's entry point: starts opening the store and warming up what the first requests need,
 * each on a thread of its own, then boots Quarkus, which starts {@link CairnServer}.
 */
@QuarkusMain
public final class CairnMain {
  private CairnMain() {}

  public static void main(String... args) {
    StoreHeadStart.begin();
    CairnServer.warmUpInBackground();
    Quarkus.run(args);
  }
}
