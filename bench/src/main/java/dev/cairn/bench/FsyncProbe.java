package dev.cairn.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The disk's floor for a durable append: a 4 KB write followed by fsync, repeated. Every commit of
 * the store costs at least this, since synchronous=FULL syncs the WAL on each commit.
 */
final class FsyncProbe {
  private FsyncProbe() {}

  /** Percentiles of one write-and-fsync, in nanoseconds. */
  record Result(int samples, long p50Nanos, long p99Nanos) {}

  static Result run(Path workDir, int samples) throws IOException {
    Path file = Files.createDirectories(workDir).resolve("fsync-probe");
    long[] times = new long[samples];
    ByteBuffer block = ByteBuffer.allocate(4096);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (int i = 0; i < samples; i++) {
        block.clear();
        long start = System.nanoTime();
        channel.write(block, (long) i * block.capacity());
        channel.force(true);
        times[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(times);
    return new Result(
        samples,
        SubmitLatencyBench.percentile(times, 0.50),
        SubmitLatencyBench.percentile(times, 0.99));
  }
}
