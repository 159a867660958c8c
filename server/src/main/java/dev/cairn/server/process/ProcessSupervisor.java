package dev.cairn.server.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Starts attempts as supervised Linux processes and sees each one through to the end of its whole
 * process group.
 *
 * <p>Each attempt runs in its own session and process group, with a parent-death signal, stdin from
 * {@code /dev/null}, stdout and stderr in one file, a cap on the size of the files it writes, and
 * an environment made of exactly the requested variables plus its marker (see {@link
 * LaunchCommand}). The end of an attempt is reported only when no process of its group remains, so
 * a terminal event written on that report never has a live process behind it.
 *
 * <p>Threads: a few long-lived spawner threads (see {@link SpawnerThread}), one timer thread that
 * sends signals and polls process groups, and one delivery thread that sweeps markers and calls the
 * exit callbacks, so that a slow callback never delays a kill.
 */
public final class ProcessSupervisor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ProcessSupervisor.class.getName());
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final long SESSION_POLL_NANOS = 20_000;

  private final Duration stopGrace;
  private final ProcTable procTable = new ProcTable();
  private final MarkerSweep sweep = new MarkerSweep(procTable);
  private final LaunchCommand launchCommand = new LaunchCommand();
  // Several spawner threads let launches overlap (each waits about a millisecond per wrapper exec
  // for its step's new session); every one lives as long as the supervisor.
  private static final int SPAWNERS = 4;
  private final SpawnerThread spawner = new SpawnerThread("cairn-process-spawner-0");
  private final SpawnerThread[] spawners = spawnerThreads(spawner);
  private final java.util.concurrent.atomic.AtomicInteger nextSpawner =
      new java.util.concurrent.atomic.AtomicInteger();
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService delivery;
  private final SupervisedAttempt.Context context;
  private final Map<Launched, SupervisedAttempt> live = new ConcurrentHashMap<>();
  // Stops of attempts this supervisor did not start, waiting out their grace period.
  private final Map<Launched, String> untrackedStops = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a supervisor and starts its threads.
   *
   * @param stopGrace how long a group has between SIGTERM and SIGKILL
   */
  public ProcessSupervisor(Duration stopGrace) {
    if (stopGrace.isNegative()) {
      throw new IllegalArgumentException("stopGrace must not be negative");
    }
    this.stopGrace = stopGrace;
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("cairn-process-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.delivery = Executors.newSingleThreadExecutor(daemon("cairn-process-exit"));
    this.context =
        new SupervisedAttempt.Context(
            timer,
            delivery,
            procTable,
            sweep,
            stopGrace,
            attempt -> live.remove(attempt.launched()));
  }

  /**
   * Starts an attempt on the spawner thread and returns once it runs in its own session.
   *
   * @param onExit called exactly once, on a supervisor thread, after the leader has exited and no
   *     process of its group remains
   * @throws SpawnException when the attempt cannot be started (missing working directory, program
   *     or wrapper); nothing is left running then
   */
  public Launched launch(LaunchRequest request, Consumer<Exited> onExit) throws SpawnException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onExit, "onExit");
    if (closed.get()) {
      throw new IllegalStateException("the process supervisor is closed");
    }
    ProcessBuilder builder = launchCommand.build(request);
    long startNanos = System.nanoTime();
    Process process;
    try {
      process = spawner.start(builder);
    } catch (IOException e) {
      throw new SpawnException("cannot start " + request.argv().get(0) + ": " + e.getMessage());
    }
    long startTicks = awaitOwnSession(process);
    Launched launched = new Launched(process.pid(), process.pid(), startTicks);
    SupervisedAttempt attempt =
        new SupervisedAttempt(context, launched, request, process, onExit, startNanos);
    live.put(launched, attempt);
    attempt.watch();
    if (closed.get()) {
      // close() ran while this attempt was starting and did not see it.
      kill(launched, request.marker());
    }
    return launched;
  }

  private static SpawnerThread[] spawnerThreads(SpawnerThread first) {
    SpawnerThread[] threads = new SpawnerThread[SPAWNERS];
    threads[0] = first;
    for (int i = 1; i < SPAWNERS; i++) {
      threads[i] = new SpawnerThread("cairn-process-spawner-" + i);
    }
    return threads;
  }

  /**
   * Starts an attempt without waiting: the whole launch runs on one of the spawner threads, which
   * then calls {@code onStarted} with the running attempt (in its own session), or {@code
   * onFailed}. {@code onStarted} is called before the attempt is watched, so it always precedes
   * {@code onExit}.
   *
   * @throws SpawnException when the request fails the checks made before anything starts
   */
  public void launchAsync(
      LaunchRequest request,
      Consumer<Launched> onStarted,
      Consumer<SpawnException> onFailed,
      Consumer<Exited> onExit)
      throws SpawnException {
    if (closed.get()) {
      throw new IllegalStateException("the process supervisor is closed");
    }
    ProcessBuilder builder = launchCommand.build(request);
    SpawnerThread thread = spawners[Math.floorMod(nextSpawner.getAndIncrement(), SPAWNERS)];
    thread.execute(
        () -> {
          long startNanos = System.nanoTime();
          Process process;
          try {
            process = builder.start();
          } catch (IOException e) {
            onFailed.accept(
                new SpawnException(
                    "cannot start " + request.argv().get(0) + ": " + e.getMessage()));
            return;
          }
          long startTicks;
          try {
            startTicks = awaitOwnSession(process);
          } catch (SpawnException e) {
            onFailed.accept(e);
            return;
          }
          Launched launched = new Launched(process.pid(), process.pid(), startTicks);
          SupervisedAttempt attempt =
              new SupervisedAttempt(context, launched, request, process, onExit, startNanos);
          live.put(launched, attempt);
          onStarted.accept(launched);
          attempt.watch();
          if (closed.get()) {
            kill(launched, request.marker());
          }
        },
        () -> onFailed.accept(new SpawnException("the process supervisor closed")));
  }

  /**
   * SIGTERM to the attempt's group, SIGKILL to the group after the grace period, then a sweep for
   * the marker. Idempotent; returns at once, and the attempt's exit callback still fires.
   *
   * <p>An attempt this supervisor did not start (one found by recovery) gets the same treatment,
   * provided its pid is not now held by another process.
   */
  public void stop(Launched process, String marker) {
    SupervisedAttempt attempt = live.get(process);
    if (attempt != null) {
      attempt.stop();
      return;
    }
    if (!mayOwnGroup(process, marker)) {
      sweep.exact(marker);
      return;
    }
    PosixSignals.signalGroup(process.pgid(), PosixSignals.SIGTERM);
    if (untrackedStops.putIfAbsent(process, marker) != null) {
      return;
    }
    try {
      timer.schedule(
          () -> delivery.execute(() -> finishUntrackedStop(process)),
          stopGrace.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finishUntrackedStop(process);
    }
  }

  private void finishUntrackedStop(Launched process) {
    String marker = untrackedStops.remove(process);
    if (marker != null) {
      kill(process, marker);
    }
  }

  /**
   * SIGKILL to the attempt's group and a sweep for its marker, both before this returns; for
   * recovery and shutdown. An attempt this supervisor started still reports its exit.
   */
  public void kill(Launched process, String marker) {
    SupervisedAttempt attempt = live.get(process);
    if (attempt != null || mayOwnGroup(process, marker)) {
      PosixSignals.signalGroup(process.pgid(), PosixSignals.SIGKILL);
    }
    sweep.exact(marker);
    if (attempt != null) {
      attempt.killed();
    }
  }

  /**
   * SIGKILLs every process whose marker starts with {@code markerPrefix}, scanning again until none
   * is found (they may fork while being swept).
   *
   * @return how many processes were killed
   */
  public int sweep(String markerPrefix) {
    if (markerPrefix.isEmpty()) {
      throw new IllegalArgumentException("the marker prefix must not be empty");
    }
    return sweep.prefix(markerPrefix);
  }

  /** How many launched attempts have not yet reported their exit. */
  public int liveCount() {
    return live.size();
  }

  /**
   * Kills every live attempt, waits for their exit callbacks, and stops the supervisor's threads.
   *
   * <p>Live attempts are killed rather than left running because the end of the spawner thread
   * would deliver the parent-death signal to their leaders anyway, and only to them: the rest of
   * their groups would be orphaned without supervision.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<SupervisedAttempt> attempts = List.copyOf(live.values());
    for (SupervisedAttempt attempt : attempts) {
      kill(attempt.launched(), attempt.marker());
    }
    // A stop still in its grace period would otherwise never reach its SIGKILL.
    for (Launched process : List.copyOf(untrackedStops.keySet())) {
      finishUntrackedStop(process);
    }
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    if (!live.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "{0} attempts did not end before close", live.size());
    }
    timer.shutdownNow();
    delivery.shutdown();
    try {
      delivery.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SpawnerThread thread : spawners) {
      thread.close();
    }
  }

  // The pgid of a step is recorded before anything else may act on it, so the wrappers must have
  // reached setsid before launch returns: a SIGTERM to a group that does not exist yet would be
  // lost. The wrappers exec in well under a millisecond, so this is a short spin.
  private long awaitOwnSession(Process process) throws SpawnException {
    long pid = process.pid();
    long deadline = System.nanoTime() + SESSION_TIMEOUT.toNanos();
    while (true) {
      Optional<ProcStat> stat = procTable.stat(pid);
      if (stat.isEmpty()) {
        // It has already ended and been reaped; its exit callback reports how.
        return 0;
      }
      if (stat.get().session() == pid || stat.get().isDead() || !process.isAlive()) {
        return stat.get().startTicks();
      }
      if (System.nanoTime() - deadline > 0) {
        process.destroyForcibly();
        throw new SpawnException(
            "the launch wrappers did not start a new session within "
                + SESSION_TIMEOUT.toSeconds()
                + " s");
      }
      LockSupport.parkNanos(SESSION_POLL_NANOS);
    }
  }

  // For an attempt this supervisor does not track, its group may be signalled unless its pid now
  // belongs to another process: while any member of the group lives, the kernel does not hand the
  // pgid out as a new pid.
  private boolean mayOwnGroup(Launched process, String marker) {
    Optional<ProcStat> holder = procTable.stat(process.pid());
    if (holder.isEmpty() || holder.get().isDead()) {
      return true;
    }
    return (process.startTicks() != 0 && holder.get().startTicks() == process.startTicks())
        || procTable.marker(process.pid()).filter(marker::equals).isPresent();
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
