package dev.cairn.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the harness finds the JDK and the built jars. */
final class BenchPaths {
  private BenchPaths() {}

  static String java() {
    Path home = Path.of(System.getProperty("java.home"));
    return home.resolve("bin/java").toString();
  }

  /** The bench module's own classes, without the shaded gRPC client. */
  static Path thinJar(Path root) {
    Path jar = root.resolve("bench/target/cairn-bench-0.1.0-SNAPSHOT.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing; build with ./mvnw -B -DskipTests install");
    }
    return jar;
  }
}
