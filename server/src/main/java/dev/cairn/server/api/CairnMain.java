package dev.cairn.server.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.List;

/**
 * The server's entry point: starts warming up what the first requests need on a thread of its own,
 * then boots Quarkus, which starts {@link CairnServer}. With the argument {@code check} it runs
 * {@link StoreCheckCommand} instead, and no server.
 */
@QuarkusMain
public final class CairnMain {
  private CairnMain() {}

  public static void main(String... args) {
    if (args.length > 0 && "check".equals(args[0])) {
      // The offline store check runs without the server: no framework, no listener.
      System.exit(StoreCheckCommand.run(List.of(args).subList(1, args.length)));
    }
    CairnServer.warmUpInBackground();
    Quarkus.run(args);
  }
}
