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
  private static final System.Logger LOG = System.getLogger(SpawnerThread.class.getName());

  /** The JDK reads this once, when the first process of the JVM starts. */
  static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

  static {
    preferVfork();
  }

  /** Work for the spawner thread; {@code abandon} runs instead when the thread closes first. */
  private record Job(Runnable work, Runnable abandon) {}

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
    CompletableFuture<Process> result = new CompletableFuture<>();
    execute(
        () -> {
          try {
            result.complete(builder.start());
          } catch (IOException e) {
            result.completeExceptionally(e);
          }
        },
        () ->
            result.completeExceptionally(new IllegalStateException("the process spawner closed")));
    try {
      // Uninterruptible on purpose: a caller that gave up while its process was being started
      // would leave that process running without supervision.
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /**
   * Runs {@code work} on the spawner thread, so that any process it starts has this thread as its
   * parent for the parent-death signal. {@code abandon} runs instead if the thread closes first.
   */
  void execute(Runnable work, Runnable abandon) {
    if (closed) {
      throw new IllegalStateException("the process spawner is closed");
    }
    Job job = new Job(work, abandon);
    jobs.add(job);
    if (closed && jobs.remove(job)) {
      throw new IllegalStateException("the process spawner is closed");
    }
  }

  /**
   * Starts processes with vfork and exec unless the operator chose a mechanism.
   *
   * <p>JDK 17's default on Linux, POSIX_SPAWN, spawns the {@code jspawnhelper} program, which then
   * execs the step: one more exec per step, measured at about 0.5 to 1 ms on a busy two-core
   * machine (bench/spawn). With VFORK the child execs the launch wrapper directly; between vfork
   * and exec it only redirects descriptors and changes directory, which vfork allows. The session,
   * the parent-death signal, the size cap and the environment are set up by the wrappers either
   * way, so no guarantee depends on the mechanism. A JVM that started a process before this class
   * loaded keeps its mechanism: the setting is then ignored, which is harmless.
   */
  static void preferVfork() {
    if (System.getProperty(LAUNCH_MECHANISM) == null) {
      System.setProperty(LAUNCH_MECHANISM, "VFORK");
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
        job.work().run();
      } catch (Throwable failure) {
        // Caught whole: if a failed spawn ended this thread, every step it started would die.
        LOG.log(System.Logger.Level.ERROR, "a spawn job failed", failure);
      }
    }
    Job job;
    while ((job = jobs.poll()) != null) {
      job.abandon().run();
    }
  }
}
