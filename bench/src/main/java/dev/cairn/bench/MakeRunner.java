package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs GNU make on a DAG's Makefile and times the whole invocation. */
final class MakeRunner {
  private MakeRunner() {}

  static long run(Dag dag, Path workDir) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path makefile = workDir.resolve("Makefile");
    Files.writeString(makefile, dag.makefile());
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of("make", "-s", "-j" + dag.parallelism(), "-f", makefile.toString(), "all"));
    builder.directory(workDir.toFile());
    builder.redirectErrorStream(true);
    builder.redirectOutput(workDir.resolve("make.log").toFile());
    long start = System.nanoTime();
    int exit = builder.start().waitFor();
    long nanos = System.nanoTime() - start;
    if (exit != 0) {
      throw new IllegalStateException(
          "make failed with exit code "
              + exit
              + ": "
              + Files.readString(workDir.resolve("make.log")));
    }
    return nanos;
  }
}
