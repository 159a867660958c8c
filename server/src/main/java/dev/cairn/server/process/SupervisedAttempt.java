package dev.cairn.server.process;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The life of one started attempt from launch to the report of its end.
 *
 * <p>Its state is guarded by its own lock: the leader's exit is handled on the launcher's thread
 * that learns of it (no hop to another thread between a step's exit and its report), signals are
 * sent on the caller's thread, and the polls that wait for a group to go run on the supervisor's
 * timer thread. The end is reported once the leader has exited and its process group is gone:
 * members left behind by a leader that exited get SIGTERM, then SIGKILL after the grace period.
 * (With the native helper the leader's exit arrives only after its attempt shim has done the same
 * to everything the attempt left, so the group is already gone then.) When a stop or a kill was
 * asked for, the attempt's marker is swept before the report, on the delivery thread, so that the
 * timer thread never waits for a sweep; otherwise the thread that found the group gone reports at
 * once. Exit callbacks must therefore be quick (the engine's only enqueues).
 */
final class SupervisedAttempt {
  private static final System.Logger LOG = System.getLogger(SupervisedAttempt.class.getName());
  private static final long POLL_MILLIS = 10;

  /** What an attempt needs from its supervisor. */
  record Context(
      ScheduledExecutorService timer,
      Executor delivery,
      ProcTable procTable,
      MarkerSweep sweep,
      Duration stopGrace,
      Consumer<SupervisedAttempt> onFinished) {}

  private final Context context;
  private final Launched launched;
  private final LaunchRequest request;
  private final CompletionStage<LeaderExit> leaderExit;
  private final Consumer<Exited> onExit;
  private final long startNanos;

  // Guarded by this.
  private boolean leaderExited;
  private LeaderExit exit;
  private long leaderExitNanos;
  private boolean terminating;
  private boolean killSent;
  private long killDeadlineNanos;
  private boolean sweepMarker;
  private ScheduledFuture<?> poll;
  private boolean finished;

  SupervisedAttempt(
      Context context,
      Launched launched,
      LaunchRequest request,
      CompletionStage<LeaderExit> leaderExit,
      Consumer<Exited> onExit,
      long startNanos) {
    this.context = context;
    this.launched = launched;
    this.request = request;
    this.leaderExit = leaderExit;
    this.onExit = onExit;
    this.startNanos = startNanos;
  }

  Launched launched() {
    return launched;
  }

  String marker() {
    return request.marker();
  }

  /** Starts watching for the leader's exit. */
  void watch() {
    leaderExit.thenAccept(exit -> locked(() -> leaderExited(exit)));
  }

  /** SIGTERM to the group now, SIGKILL after the grace period, then a marker sweep. */
  void stop() {
    locked(
        () -> {
          sweepMarker = true;
          beginTermination();
        });
  }

  /** Records that the caller sent SIGKILL to the group, and waits for the group to go. */
  void killed() {
    locked(
        () -> {
          sweepMarker = true;
          terminating = true;
          killSent = true;
          schedulePoll();
        });
  }

  private void leaderExited(LeaderExit exit) {
    leaderExited = true;
    this.exit = exit;
    leaderExitNanos = System.nanoTime();
    if (exit.attemptOver() || !groupAlive()) {
      finish();
    } else {
      // The leader left members of its group behind (a backgrounded child): they belong to the
      // attempt, so they end with it.
      beginTermination();
    }
  }

  private void beginTermination() {
    if (finished || terminating) {
      return;
    }
    terminating = true;
    PosixSignals.signalGroup(launched.pgid(), PosixSignals.SIGTERM);
    killDeadlineNanos = System.nanoTime() + context.stopGrace().toNanos();
    schedulePoll();
  }

  private void schedulePoll() {
    if (finished || poll != null) {
      return;
    }
    try {
      poll = context.timer().schedule(() -> locked(this::poll), POLL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "supervisor closed; pid {0} is no longer watched",
          launched.pid());
    }
  }

  private void poll() {
    poll = null;
    if (finished) {
      return;
    }
    boolean alive = groupAlive();
    if (!alive && leaderExited) {
      finish();
      return;
    }
    if (alive && !killSent && System.nanoTime() - killDeadlineNanos >= 0) {
      killSent = true;
      PosixSignals.signalGroup(launched.pgid(), PosixSignals.SIGKILL);
    }
    schedulePoll();
  }

  // kill(-pgid, 0) is cheap and settles the common case; when it still finds the group, a scan of
  // /proc tells live members from zombies that wait for init to reap them.
  private boolean groupAlive() {
    return PosixSignals.signalGroup(launched.pgid(), 0)
        && context.procTable().groupHasLiveMember(launched.pgid());
  }

  private void finish() {
    finished = true;
    if (poll != null) {
      poll.cancel(false);
      poll = null;
    }
    int signal = exit.signal();
    long outputBytes = outputSize();
    boolean limitExceeded =
        signal == PosixSignals.SIGXFSZ || outputBytes >= request.outputLimitBytes();
    Exited exited =
        new Exited(
            launched.pid(),
            exit.exitCode(),
            signal,
            outputBytes,
            limitExceeded,
            Duration.ofNanos(leaderExitNanos - startNanos));
    if (!sweepMarker) {
      // The common end, a leader that exited with its group: reported from here, without a
      // thread hop on the way from a step's exit to its successor's start.
      report(exited);
      return;
    }
    context
        .delivery()
        .execute(
            () -> {
              context.sweep().exact(request.marker());
              report(exited);
            });
  }

  private void report(Exited exited) {
    context.onFinished().accept(this);
    try {
      onExit.accept(exited);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "exit callback for pid " + launched.pid(), e);
    }
  }

  // 0 when there is no file: a silent step makes none, and asking through java.nio would build an
  // exception for it on every exit.
  private long outputSize() {
    return request.outputFile().toFile().length();
  }

  private synchronized void locked(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "supervising pid " + launched.pid() + " failed", e);
    }
  }
}
