package dev.cairn.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real server process for all tests of a class, on its own data directory and port. */
abstract class SharedServer {
  @TempDir static Path dataDir;
  static ServerProcess server;
  static Runs runs;

  @BeforeAll
  static void startServer() {
    server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    runs = new Runs(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
