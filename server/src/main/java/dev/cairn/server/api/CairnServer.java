package dev.cairn.server.api;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.engine.SpecLimits;
import dev.cairn.server.process.LauncherKind;
import dev.cairn.server.process.ProcessSupervisor;
import dev.cairn.server.process.RunAsUser;
import dev.cairn.server.runtime.Engine;
import dev.cairn.server.runtime.EngineSettings;
import dev.cairn.server.runtime.EventBroadcaster;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.ServerServiceGrpc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Wires the server together at start: the data directory, the store, the supervisor, the gRPC
 * listener (after checking that it is safe: loopback, or TLS) and the engine. Owns their lifecycle.
 */
@Startup
@ApplicationScoped
public class CairnServer {
  private static final Logger LOG = Logger.getLogger(CairnServer.class);

  /** Variables copied from the server's environment into every step, when set. */
  static final List<String> BASE_ENVIRONMENT =
      List.of(
          "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * The exit status when the engine cannot go on: the store failed to write or fsync, or the engine
   * thread met an Error. A supervisor restarts the server and recovery takes over (README, Server).
   */
  static final int FATAL_EXIT_STATUS = 70;

  /** How long calls in flight may take to finish at shutdown before they are cancelled. */
  private static final long STREAMS_GRACE_MILLIS = 2_000;

  /** Room in an event beyond its spec: a RunSubmitted is the spec and a few short fields. */
  private static final int EVENT_OVERHEAD_BYTES = 64 * 1024;

  /** Store-reading calls that may wait for a query thread; more are refused. */
  private static final int QUERY_QUEUE = 1024;

  /** The exit status when damage is found in the store while serving (EX_DATAERR). */
  static final int EXIT_STORE_DAMAGED = 65;

  @Inject CairnConfig config;

  private DataDirectory dataDirectory;
  private EventStore store;
  private ProcessSupervisor supervisor;
  private Engine engine;
  private EventBroadcaster broadcaster;
  private ExecutorService queryWorkers;
  private ScheduledExecutorService streamWorkers;
  // Read by the engine thread when it fails, which may happen before this thread has set it.
  private volatile GrpcListener listener;
  private static final AtomicBoolean warmUpStarted = new AtomicBoolean();

  @PostConstruct
  void start() {
    try {
      startAll();
    } catch (RuntimeException | Error e) {
      // Quarkus runs no shutdown observer for a bean whose start failed: release what was opened
      // (the listener, the engine's threads, the store and the directory's lock) here.
      try {
        stop(null);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private void startAll() {
    long began = System.nanoTime();
    warmUpInBackground();
    GrpcListener.Endpoint endpoint =
        GrpcListener.Endpoint.resolve(
            config.host(), config.port(), config.tls().certificate(), config.tls().key());
    refuseInsecureBind(endpoint);
    Optional<StoreHeadStart.Opened> early = StoreHeadStart.take(config.dataDir(), config.store());
    StoreHeadStart.Opened opened =
        early.orElseGet(() -> StoreHeadStart.open(config.dataDir(), config.store()));
    dataDirectory = opened.directory();
    store = opened.store();
    store.onCorruption(this::stopOnDamage);
    long storeOpened = System.nanoTime();
    Optional<RunAsUser> runAs = RunAsSetting.resolve(config.runAsUser(), config.processLauncher());
    supervisor = supervisor(runAs);
    broadcaster = new EventBroadcaster();
    int cores = Runtime.getRuntime().availableProcessors();
    EngineSettings settings =
        new EngineSettings(
            dataDirectory.root(),
            workRoot(config.workRoot()).resolve(dataDirectory.storeId()),
            dataDirectory.storeId(),
            config.maxParallel() > 0 ? config.maxParallel() : Math.max(4, 2 * cores),
            config.outputLimitBytes(),
            config.stopGrace(),
            new SpecLimits(config.maxSpecBytes(), config.maxSteps()),
            baseEnvironment(runAs),
            config.commitWindow(),
            runAs);
    engine =
        new Engine(store, supervisor, EngineClock.system(), settings, broadcaster, this::fatal);
    // Recovery runs on the engine thread while this one binds the listener: the first step after a
    // crash does not wait for the transport to start unless recovery is quicker. The engine starts
    // no step and takes no command until open(), after the bind: a port already taken or unusable
    // TLS files fail the start with nothing started. Until recovery is done, health says
    // NOT_SERVING; reads answer from the store as it is, and commands queue for the engine.
    long setUp = System.nanoTime();
    engine.start();
    // At most as many threads as the store serves reads at once.
    int reads = store.readConcurrency();
    queryWorkers = queryPool(Math.min(reads, Math.max(4, 2 * cores)));
    // Streams hold no thread while they wait (RunService): a few threads serve any number of them.
    streamWorkers =
        Executors.newScheduledThreadPool(
            Math.min(reads, Math.max(2, cores)), daemon("cairn-stream"));
    listener =
        GrpcListener.start(
            endpoint,
            GrpcListener.maxInboundMessageBytes(config.maxSpecBytes()),
            new BearerTokenInterceptor(dataDirectory.token()),
            List.of(
                new RunService(
                    engine,
                    store,
                    broadcaster,
                    config.maxSpecBytes() + EVENT_OVERHEAD_BYTES,
                    queryWorkers,
                    streamWorkers),
                new ServerStatsService(store, engine)));
    long listening = System.nanoTime();
    engine.open();
    try {
      if (!engine.awaitReady(Duration.ofMinutes(10))) {
        throw new IllegalStateException(
            engine.recoveryFailed()
                ? "recovery failed (the error is logged above); the server does not start"
                : "recovery did not finish within 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during recovery", e);
    }
    listener.serving();
    // Where the start time went, for work on start time; recovery logs its own parts.
    LOG.debugf(
        "start: data directory and store %d ms (%s), engine set up %d ms, listener %d ms while"
            + " recovery ran, then the rest of recovery %d ms",
        Long.valueOf(millis(storeOpened - began)),
        early.isPresent() ? "opened while Quarkus booted, this is the wait" : "opened here",
        Long.valueOf(millis(setUp - storeOpened)),
        Long.valueOf(millis(listening - setUp)),
        Long.valueOf(millis(System.nanoTime() - listening)));
    LOG.infof(
        "Cairn ready: gRPC on %s:%d%s, data directory %s, max %d parallel attempts, steps started"
            + " by the %s",
        endpoint.address().getHostAddress(),
        Integer.valueOf(listener.port()),
        endpoint.tls() ? " (TLS)" : "",
        dataDirectory.root(),
        Integer.valueOf(settings.maxParallel()),
        supervisor.launcherName());
  }

  /**
   * The engine cannot go on: an fsync or I/O error (this process can no longer trust the file), or
   * an Error on the engine thread (its state is in doubt). Health says NOT_SERVING and the process
   * exits at once; the parent-death signal takes the running steps with it, and the next start
   * recovers every unfinished attempt from the log.
   */
  private void fatal(Throwable failure) {
    try {
      GrpcListener current = listener;
      if (current != null) {
        current.notServing();
      }
      StackTraceElement[] frames = failure.getStackTrace();
      LOG.errorf(
          "the engine cannot go on (%s%s); exiting with status %d, the next start recovers from the"
              + " log",
          failure, frames.length > 0 ? " at " + frames[0] : "", Integer.valueOf(FATAL_EXIT_STATUS));
    } catch (Throwable ignored) {
      // Out of memory, perhaps: exiting matters more than saying why.
    } finally {
      Runtime.getRuntime().halt(FATAL_EXIT_STATUS);
    }
  }

  /**
   * Threads for the unary calls that read the store: as many as the store has read connections to
   * keep busy, and a bounded queue; beyond it a call is refused with RESOURCE_EXHAUSTED rather than
   * given a thread and a connection of its own.
   */
  private static ExecutorService queryPool(int threads) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUERY_QUEUE),
        daemon("cairn-query"));
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Builds the protobuf descriptors and loads JNA on another thread while this one opens the store.
   * Both are needed soon after (to read the log, to listen, to signal processes) and cost over 100
   * ms of a cold JVM's time, which would otherwise be spent in sequence with the store's own.
   */
  static void warmUpInBackground() {
    if (!warmUpStarted.compareAndSet(false, true)) {
      return;
    }
    Thread thread =
        new Thread(
            () -> {
              try {
                Event.getDescriptor();
                RunServiceGrpc.getServiceDescriptor();
                ServerServiceGrpc.getServiceDescriptor();
                Class.forName("com.sun.jna.Native", true, CairnServer.class.getClassLoader());
                // The listener binds while recovery runs: its transport (Netty, with the native
                // epoll library it unpacks) and services load here while the store opens.
                GrpcListener.warmUp();
              } catch (ClassNotFoundException | LinkageError e) {
                // Only a head start: whoever needs these next meets and reports the same failure.
              }
            },
            "cairn-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Damage found in the store while serving: a corrupt page or a row whose checksum fails. The
   * server must not go on as if the store were sound, so it exits at once with {@link
   * #EXIT_STORE_DAMAGED}; the store has left a mark beside its file, so the next start refuses in
   * one line until the store is checked offline, and the running steps go with this process
   * (parent-death signal) as after any crash.
   */
  private void stopOnDamage(StoreCorruptException damage) {
    try {
      GrpcListener current = listener;
      if (current != null) {
        current.notServing();
      }
      LOG.errorf("the event store is damaged; the server stops: %s", damage.getMessage());
    } finally {
      Runtime.getRuntime().halt(EXIT_STORE_DAMAGED);
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static void refuseInsecureBind(GrpcListener.Endpoint endpoint) {
    if (endpoint.tls() || endpoint.address().isLoopbackAddress()) {
      return;
    }
    throw new StartRefused(
        "refusing to listen on "
            + endpoint.host()
            + " without TLS: bind to 127.0.0.1, or set cairn.tls.certificate and cairn.tls.key");
  }

  /**
   * Where runs without a working directory of their own get one: {@code cairn.work-root}, else a
   * directory of this user under the system's temporary directory, never the data directory.
   */
  static Path workRoot(Optional<Path> configured) {
    return configured
        .orElseGet(
            () ->
                Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "cairn-runs-" + System.getProperty("user.name")))
        .toAbsolutePath();
  }

  /**
   * Only the cairn-spawn helper can switch a step to another user: with cairn.run-as-user, a build
   * or machine where it cannot run refuses the start rather than run steps as root.
   */
  private ProcessSupervisor supervisor(Optional<RunAsUser> runAs) {
    Path helperDirectory = dataDirectory.root().resolve("bin");
    if (runAs.isEmpty()) {
      return new ProcessSupervisor(config.stopGrace(), config.processLauncher(), helperDirectory);
    }
    try {
      return new ProcessSupervisor(config.stopGrace(), LauncherKind.HELPER, helperDirectory, runAs);
    } catch (IllegalStateException e) {
      throw new StartRefused("cairn.run-as-user needs the cairn-spawn helper: " + e.getMessage());
    }
  }

  static Map<String, String> baseEnvironment(Optional<RunAsUser> runAs) {
    Map<String, String> env = new HashMap<>();
    for (String name : BASE_ENVIRONMENT) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    // A step run as another user gets that user's identity, not root's home to write into.
    runAs.ifPresent(
        user -> {
          env.put("USER", user.name());
          env.put("LOGNAME", user.name());
          env.put("HOME", user.home().toString());
        });
    return env;
  }

  void stop(@Observes ShutdownEvent event) {
    // No new calls; calls in flight go on, so that watchers see the engine's last events (attempts
    // recorded INTERRUPTED) before their streams end with UNAVAILABLE, and resume on the next
    // start.
    if (listener != null) {
      listener.refuseNewCalls();
    }
    if (engine != null) {
      engine.close();
    }
    if (broadcaster != null) {
      broadcaster.close();
    }
    if (listener != null) {
      listener.stop(STREAMS_GRACE_MILLIS);
    }
    if (queryWorkers != null) {
      queryWorkers.shutdownNow();
    }
    if (streamWorkers != null) {
      streamWorkers.shutdownNow();
    }
    if (supervisor != null) {
      supervisor.close();
    }
    if (store != null) {
      store.close();
    }
    if (dataDirectory != null) {
      dataDirectory.close();
    }
  }
}
