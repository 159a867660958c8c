package dev.cairn.server.runtime;

import dev.cairn.server.engine.AttemptRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/** Serves StreamLogs: an attempt's output file from an offset, following it while it grows. */
public final class OutputReader {
  private static final int CHUNK = 64 * 1024;
  private static final long POLL_MILLIS = 100;
  private final RunQueries queries;

  public OutputReader(RunQueries queries) {
    this.queries = queries;
  }

  /** Where chunks go; {@code send} may block for flow control. */
  public interface Sink {
    void send(byte[] data, long offset, int attempt) throws InterruptedException;

    boolean cancelled();
  }

  public void stream(
      String runId, String stepId, int attempt, long offset, boolean follow, Sink sink)
      throws IOException, InterruptedException {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
    AttemptRecord record = RunQueries.attempt(queries.state(runId), stepId, attempt);
    if (record.outputPath().isEmpty()) {
      return;
    }
    Path file = Path.of(record.outputPath());
    long position = offset;
    while (!sink.cancelled()) {
      position = drain(file, position, record.number(), sink);
      if (!follow || record.finished()) {
        // One more read after the attempt finished catches its last writes.
        if (follow) {
          drain(file, position, record.number(), sink);
        }
        return;
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      record = RunQueries.attempt(queries.state(runId), stepId, record.number());
    }
  }

  private static long drain(Path file, long position, int attempt, Sink sink)
      throws IOException, InterruptedException {
    if (!Files.exists(file)) {
      return position;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      long at = position;
      while (!sink.cancelled()) {
        buffer.clear();
        int read = channel.read(buffer, at);
        if (read <= 0) {
          break;
        }
        byte[] data = new byte[read];
        buffer.flip().get(data);
        sink.send(data, at, attempt);
        at += read;
      }
      return at;
    } catch (NoSuchFileException gone) {
      return position;
    }
  }
}
