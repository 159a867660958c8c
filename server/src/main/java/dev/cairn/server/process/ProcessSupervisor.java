package dev.cairn.server.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
 * a terminal event written on that report never has a live process behind it. With the native
 * helper the guarantee covers every process the attempt started, also those that left its group and
 * dropped its marker: the helper reports a leader's exit only once its attempt shim, their
 * subreaper, has none of them left (see {@link SpawnHelperLauncher}). With the wrappers it covers
 * the group and the processes that keep the marker.
 *
 * <p>A {@link ProcessLauncher} starts each leader. Threads: a long-lived spawner thread (see {@link
 * SpawnerThread}), the launcher's own, one timer thread that sends signals and polls process
 * groups, and one delivery thread that sweeps markers and calls the exit callbacks, so that a slow
 * callback never delays a kill.
 */
public final class ProcessSupervisor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ProcessSupervisor.class.getName());
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Duration stopGrace;
  private final ProcTable procTable = new ProcTable();
  private final MarkerSweep sweep = new MarkerSweep(procTable);
  // Lives as long as the supervisor: the helper's parent-death signal is tied to it.
  private final SpawnerThread spawner = new SpawnerThread("cairn-process-spawner");
  private final ProcessLauncher launcher;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService delivery;
  private final SupervisedAttempt.Context context;
  private final Map<Launched, SupervisedAttempt> live = new ConcurrentHashMap<>();
  // Stops of attempts this supervisor did not start, waiting out their grace period.
  private final Map<Launched, String> untrackedStops = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Set while the node fences itself: nothing new starts, and a start in flight is killed.
  private volatile boolean suspended;

  /**
   * Creates a supervisor that starts steps through the util-linux wrappers; enough for one that
   * only stops, kills and sweeps.
   *
   * @param stopGrace how long a group has between SIGTERM and SIGKILL
   */
  public ProcessSupervisor(Duration stopGrace) {
    this(stopGrace, LauncherKind.WRAPPERS, null);
  }

  /**
   * Creates a supervisor and starts its threads.
   *
   * @param stopGrace how long a group has between SIGTERM and SIGKILL
   * @param kind which launcher starts the steps
   * @param helperDirectory where the native helper is installed; required unless {@code kind} is
   *     {@link LauncherKind#WRAPPERS}
   * @throws IllegalStateException when {@code kind} is {@link LauncherKind#HELPER} and the helper
   *     is not bundled or does not run
   */
  public ProcessSupervisor(Duration stopGrace, LauncherKind kind, Path helperDirectory) {
    this(stopGrace, kind, helperDirectory, Optional.empty());
  }

  /**
   * Creates a supervisor whose steps run as {@code runAs}, when present; only the helper can switch
   * users, so {@code kind} must then be {@link LauncherKind#HELPER}.
   *
   * @throws IllegalStateException when the helper is needed and is not bundled or does not run
   */
  public ProcessSupervisor(
      Duration stopGrace, LauncherKind kind, Path helperDirectory, Optional<RunAsUser> runAs) {
    if (runAs.isPresent() && kind != LauncherKind.HELPER) {
      throw new IllegalArgumentException("only the cairn-spawn helper runs steps as another user");
    }
    if (stopGrace.isNegative()) {
      throw new IllegalArgumentException("stopGrace must not be negative");
    }
    this.stopGrace = stopGrace;
    this.launcher = chooseLauncher(kind, helperDirectory, runAs);
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

  private ProcessLauncher chooseLauncher(
      LauncherKind kind, Path helperDirectory, Optional<RunAsUser> runAs) {
    if (kind == LauncherKind.WRAPPERS) {
      return new WrapperLauncher(procTable);
    }
    Objects.requireNonNull(helperDirectory, "helperDirectory");
    String problem;
    try {
      Optional<Path> binary = SpawnHelperBinary.install(helperDirectory);
      if (binary.isPresent()) {
        SpawnHelperLauncher helper =
            new SpawnHelperLauncher(binary.get(), spawner, stopGrace, runAs);
        helper.startHelper();
        return helper;
      }
      problem = "this build carries no cairn-spawn helper (it needs a C compiler)";
    } catch (IOException e) {
      problem = "the cairn-spawn helper cannot run from " + helperDirectory + ": " + e.getMessage();
    }
    if (kind == LauncherKind.HELPER) {
      throw new IllegalStateException(problem);
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "{0}; steps start through the slower setpriv/setsid wrappers",
        problem);
    return new WrapperLauncher(procTable);
  }

  /** The launcher in use, for the server's start-up log. */
  public String launcherName() {
    return launcher.name();
  }

  /**
   * Starts an attempt and returns once it runs in its own session.
   *
   * @param onExit called exactly once, on a supervisor thread, after the leader has exited and no
   *     process of its group remains
   * @throws SpawnException when the attempt cannot be started (missing working directory, program
   *     or launcher); nothing is left running then
   */
  public Launched launch(LaunchRequest request, Consumer<Exited> onExit) throws SpawnException {
    CompletableFuture<Launched> started = new CompletableFuture<>();
    launchAsync(request, started::complete, started::completeExceptionally, onExit);
    try {
      // Uninterruptible on purpose: a caller that gave up while its process was being started
      // would leave that process running without supervision.
      return started.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SpawnException failure) {
        throw failure;
      }
      throw e;
    }
  }

  /**
   * Starts an attempt without waiting: {@code onStarted} later receives the running attempt (in its
   * own session), or {@code onFailed} the reason it did not start, on a supervisor thread. {@code
   * onStarted} is called before the attempt is watched, so it always precedes {@code onExit}.
   */
  public void launchAsync(
      LaunchRequest request,
      Consumer<Launched> onStarted,
      Consumer<SpawnException> onFailed,
      Consumer<Exited> onExit) {
    Objects.requireNonNull(onExit, "onExit");
    if (closed.get()) {
      throw new IllegalStateException("the process supervisor is closed");
    }
    if (suspended) {
      onFailed.accept(
          new SpawnException("this node is stopping its steps: it could not renew its run leases"));
      return;
    }
    long startNanos = System.nanoTime();
    launcher.start(
        request,
        new ProcessLauncher.Listener() {
          @Override
          public void started(long pid, long startTicks, CompletionStage<LeaderExit> exit) {
            Launched launched = new Launched(pid, pid, startTicks);
            SupervisedAttempt attempt =
                new SupervisedAttempt(context, launched, request, exit, onExit, startNanos);
            live.put(launched, attempt);
            onStarted.accept(launched);
            attempt.watch();
            if (closed.get() || suspended) {
              // close() or suspendAndStopAll() ran while this attempt was starting and did not see
              // it.
              kill(launched, request.marker());
            }
          }

          @Override
          public void failed(SpawnException failure) {
            onFailed.accept(failure);
          }
        });
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

  /**
   * Refuses every new launch and stops every live attempt (SIGTERM to its group, SIGKILL after the
   * grace period), then waits until every group is gone: a node that may lose its runs to another
   * node must have no process of them left. Past {@code timeout} the groups still alive get SIGKILL
   * at once.
   *
   * @return whether every attempt's group was gone before this returned
   */
  public boolean suspendAndStopAll(Duration timeout) {
    suspended = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    for (SupervisedAttempt attempt : List.copyOf(live.values())) {
      attempt.stop();
    }
    while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    if (!live.isEmpty()) {
      for (SupervisedAttempt attempt : List.copyOf(live.values())) {
        kill(attempt.launched(), attempt.marker());
      }
      long killDeadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
      while (!live.isEmpty() && System.nanoTime() - killDeadline < 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }
    return live.isEmpty();
  }

  /** Takes launches again after {@link #suspendAndStopAll}. */
  public void resume() {
    suspended = false;
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
    launcher.close();
    spawner.close();
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
