package dev.cairn.server.runtime;

import dev.cairn.server.engine.AttemptRecord;
import dev.cairn.server.engine.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves StreamLogs: an attempt's output file from an offset, following it while it grows. A stream
 * holds no thread: it reads in passes on a shared executor while the client is ready, and a
 * followed stream at the end of a growing file looks again after {@link #POLL_MILLIS} by a timer of
 * the same executor.
 */
public final class OutputReader {
  private static final int CHUNK = 64 * 1024;
  private static final long POLL_MILLIS = 100;
  private static final long MAX_WAIT_POLL_MILLIS = 2000;

  /** Chunks one pass sends at most before it lets other streams have the thread. */
  private static final int PASS_CHUNKS = 16;

  private final RunQueries queries;
  private final ScheduledExecutorService executor;

  public OutputReader(RunQueries queries, ScheduledExecutorService executor) {
    this.queries = queries;
    this.executor = executor;
  }

  /** One chunk of output. */
  public record Chunk(byte[] data, long offset, int attempt) {}

  /**
   * Prepares a stream; it starts on the first wake, on the executor. It ends at the end of the file
   * without {@code follow}, with it once the attempt has finished and its last writes are sent.
   *
   * @return wakes the stream: call it once to start it, then whenever the client can take more or
   *     went away
   */
  public Runnable stream(
      String runId,
      String stepId,
      int attempt,
      long offset,
      boolean follow,
      StreamSink<Chunk> sink) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
    return whenStarted(
        runId,
        stepId,
        attempt,
        follow,
        sink,
        () -> new LogStream(runId, stepId, attempt, offset, follow, sink)::wake);
  }

  /**
   * A stream that opens once its attempt (0 = the latest) has started. Without {@code follow},
   * {@code open} makes the stream on the first wake, which is passed on to it. With it, an attempt
   * that has not started yet and still may is looked for again, after {@link #POLL_MILLIS} and then
   * twice as long each time up to {@link #MAX_WAIT_POLL_MILLIS} (each look folds the run from the
   * store): a step that waits for its upstream, its slot or its retry is waited for, and one that
   * ends without the attempt ends the wait with the stream's own answer for it (a skipped step did
   * not run).
   *
   * @param open makes the stream once there is an attempt to read; returns its wake
   * @return wakes the stream
   */
  public Runnable whenStarted(
      String runId,
      String stepId,
      int attempt,
      boolean follow,
      StreamSink<?> sink,
      Supplier<Runnable> open) {
    return new StartWait(runId, stepId, attempt, follow, sink, open)::wake;
  }

  private final class StartWait {
    private final String runId;
    private final String stepId;
    private final int attempt;
    private final boolean follow;
    private final StreamSink<?> sink;
    private final Supplier<Runnable> open;
    private final StreamPump pump;
    private volatile Runnable opened;
    private boolean failed;
    private long pollMillis = POLL_MILLIS;
    // The run as last looked at: each later look reads only the events since (a waiting follower
    // of a large run, or one whose client left unnoticed, must not fold it again and again).
    private RunState seen;

    StartWait(
        String runId,
        String stepId,
        int attempt,
        boolean follow,
        StreamSink<?> sink,
        Supplier<Runnable> open) {
      this.runId = runId;
      this.stepId = stepId;
      this.attempt = attempt;
      this.follow = follow;
      this.sink = sink;
      this.open = open;
      this.pump = new StreamPump(executor, this::pass);
    }

    void wake() {
      Runnable stream = opened;
      if (stream != null) {
        stream.run();
      } else {
        pump.wake();
      }
    }

    private boolean mayStillStart() {
      seen = queries.latest(runId, seen);
      return RunQueries.mayStillStart(seen, stepId, attempt);
    }

    private void pass() {
      if (opened != null) {
        // A wake that came through the pump while the stream was being opened is its wake.
        opened.run();
        return;
      }
      if (failed || sink.cancelled()) {
        return;
      }
      try {
        if (follow && mayStillStart()) {
          executor.schedule(this::wake, pollMillis, TimeUnit.MILLISECONDS);
          pollMillis = Math.min(MAX_WAIT_POLL_MILLIS, pollMillis * 2);
          return;
        }
        Runnable stream = open.get();
        opened = stream;
        stream.run();
      } catch (RuntimeException e) {
        failed = true;
        sink.fail(e);
      }
    }
  }

  private final class LogStream {
    private final String runId;
    private final String stepId;
    private final boolean follow;
    private final StreamSink<Chunk> sink;
    private final StreamPump pump;
    private AttemptRecord record;
    // The run as last looked at: a followed stream at the end of the file looks again every
    // POLL_MILLIS, reading only the events since.
    private RunState run;
    private int attempt;
    private long position;
    private boolean lastRead;
    private boolean finished;

    LogStream(
        String runId,
        String stepId,
        int attempt,
        long offset,
        boolean follow,
        StreamSink<Chunk> sink) {
      this.runId = runId;
      this.stepId = stepId;
      this.attempt = attempt;
      this.position = offset;
      this.follow = follow;
      this.sink = sink;
      this.pump = new StreamPump(executor, this::pass);
    }

    void wake() {
      pump.wake();
    }

    private void pass() {
      if (finished) {
        return;
      }
      try {
        if (sink.cancelled()) {
          finished = true;
          return;
        }
        if (record == null) {
          run = queries.latest(runId, run);
          record = RunQueries.attempt(run, stepId, attempt);
          attempt = record.number();
          if (record.outputPath().isEmpty()) {
            complete();
            return;
          }
        }
        send();
      } catch (RuntimeException e) {
        finished = true;
        sink.fail(e);
      } catch (Error e) {
        // Close the call before the error ends this task, or the client waits for ever.
        finished = true;
        sink.fail(e);
        throw e;
      }
    }

    /** Sends what the file holds past the position while the client is ready. */
    private void send() {
      int sent = 0;
      while (sink.ready()) {
        if (sent == PASS_CHUNKS) {
          pump.yieldTurn();
          return;
        }
        if (readChunk()) {
          sent++;
          continue;
        }
        // At the end of the file.
        if (!follow || lastRead) {
          complete();
          return;
        }
        run = queries.latest(runId, run);
        record = RunQueries.attempt(run, stepId, attempt);
        if (record.finished()) {
          // One more read after the attempt finished catches its last writes.
          lastRead = true;
          continue;
        }
        executor.schedule(this::wake, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return;
      }
    }

    /** Reads and sends one chunk; false at the end of the file (or while there is no file). */
    private boolean readChunk() {
      try (FileChannel channel =
          FileChannel.open(Path.of(record.outputPath()), StandardOpenOption.READ)) {
        long available = channel.size() - position;
        if (available <= 0) {
          return false;
        }
        // Sized to what is there: an idle stream holds no buffer.
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, available));
        int read = channel.read(buffer, position);
        if (read <= 0) {
          return false;
        }
        byte[] data = buffer.array();
        if (read < data.length) {
          data = Arrays.copyOf(data, read);
        }
        sink.send(new Chunk(data, position, attempt));
        position += read;
        return true;
      } catch (NoSuchFileException notYet) {
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void complete() {
      finished = true;
      sink.complete();
    }
  }
}
