package dev.cairn.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the harness finds the JDK and the built jars. */
final class BenchPaths {
  private BenchPaths() {}

  static String java() {
    Path home = Path.of(System.getProperty("java.home"));
    return home.resolve("bin/java").toString();
  }

  /**
   * The server's class path (its classes and libraries, as Quarkus packs them) and this module's
   * own classes, for what runs in a JVM of its own next to the server's code.
   */
  static String serverClassPath(Path root) {
    Path app = root.resolve("server/target/quarkus-app");
    return String.join(
        ":",
        List.of(
            app.resolve("app/*").toString(),
            app.resolve("lib/main/*").toString(),
            thinJar(root).toString()));
  }

  /**
   * The submit floor's class path: the server's (SQLite, protobuf, the API) and, last, the bench's
   * own jar with grpc-java's shaded Netty transport, which the server no longer carries since it
   * serves through quarkus-grpc.
   */
  static String floorClassPath(Path root) {
    Path all = root.resolve("bench/target/cairn-bench-0.1.0-SNAPSHOT-all.jar");
    if (!Files.isRegularFile(all)) {
      throw new IllegalStateException(
          all + " is missing; build with ./mvnw -B -DskipTests install");
    }
    return serverClassPath(root) + ":" + all;
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
