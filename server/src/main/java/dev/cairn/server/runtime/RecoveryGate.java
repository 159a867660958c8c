package dev.cairn.server.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A test-only hook, off unless the system property {@value #PROPERTY} names a file: recovery then
 * waits until that file exists, so that a test can see what the server answers while recovery runs
 * (health not ready, reads served) without racing a recovery that takes milliseconds.
 */
final class RecoveryGate {
  static final String PROPERTY = "test.cairn.recovery-gate";

  private RecoveryGate() {}

  static void awaitOpen() {
    String file = System.getProperty(PROPERTY, "");
    if (file.isEmpty()) {
      return;
    }
    Path gate = Path.of(file);
    try {
      while (!Files.exists(gate)) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
