package dev.cairn.server.process;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one thread that starts every step.
 *
 * <p>Linux sends the parent-death signal when the <em>thread</em> that forked a process ends, not
 * when its process ends. Steps are therefore started from this single thread, which lives as long
 * as the supervisor and survives any failure of a single spawn; a pool thread that retires would
 * take its steps with it.
 */
final class SpawnerThread {
  private record Job(ProcessBuilder builder, CompletableFuture<Process> result) {}

  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  SpawnerThread(String name) {
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts the process on the spawner thread and waits for it to be started. */
  Process start(ProcessBuilder builder) throws IOException {
    if (closed) {
      throw new IllegalStateException("the process spawner is closed");
    }
    Job job = new Job(builder, new CompletableFuture<>());
    jobs.add(job);
    if (closed && jobs.remove(job)) {
      throw new IllegalStateException("the process spawner is closed");
    }
    try {
      // Uninterruptible on purpose: a caller that gave up while its process was being started
      // would leave that process running without supervision.
      return job.result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /** Ends the thread; jobs still queued fail. */
  void close() {
    closed = true;
    thread.interrupt();
  }

  private void run() {
    while (!closed) {
      Job job;
      try {
        job = jobs.take();
      } catch (InterruptedException e) {
        continue;
      }
      try {
        job.result().complete(job.builder().start());
      } catch (Throwable failure) {
        // Caught whole: if a failed spawn ended this thread, every step it started would die.
        job.result().completeExceptionally(failure);
      }
    }
    Job job;
    while ((job = jobs.poll()) != null) {
      job.result().completeExceptionally(new IllegalStateException("the process spawner closed"));
    }
  }
}
