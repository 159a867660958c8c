package dev.cairn.server.api;

import dev.cairn.server.engine.EngineClock;
import dev.cairn.server.process.LauncherKind;
import dev.cairn.server.process.ProcessSupervisor;
import dev.cairn.server.process.RunAsUser;
import dev.cairn.server.runtime.ClusterNode;
import dev.cairn.server.runtime.Engine;
import dev.cairn.server.runtime.EngineObserver;
import dev.cairn.server.runtime.EngineSettings;
import dev.cairn.server.runtime.EventBroadcaster;
import dev.cairn.server.runtime.Retention;
import dev.cairn.server.runtime.RunRemover;
import dev.cairn.server.runtime.ScheduleRuns;
import dev.cairn.server.runtime.ScheduleTimer;
import dev.cairn.server.runtime.Schedules;
import dev.cairn.server.store.EventStore;
import dev.cairn.server.store.RunOwnership;
import dev.cairn.server.store.StoreCorruptException;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.ServerServiceGrpc;
import dev.cairn.workflow.spec.SpecLimits;
import io.quarkus.grpc.GrpcService;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
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
 * Wires the server together at start: the data directory, the store, the supervisor and the engine,
 * which the gRPC services ({@link RunService}, {@link ServerStatsService}) and the health checks
 * use. Owns their lifecycle.
 *
 * <p>Quarkus creates this bean while it sets up its gRPC server, before it binds the one port:
 * recovery starts on the engine thread then, and the port opens while it runs, so health answers
 * NOT_SERVING (gRPC) and 503 (HTTP) until it is done. The engine starts no step and takes no
 * command until {@link #onStart}, after the port is bound: a start that fails there (a port in use)
 * has started nothing.
 */
@Startup
@Singleton
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

  /** How long followed streams may take to send their last events at shutdown. */
  private static final long STREAMS_GRACE_MILLIS = 2_000;

  /** Room in an event beyond its spec: a RunSubmitted is the spec and a few short fields. */
  private static final int EVENT_OVERHEAD_BYTES = 64 * 1024;

  /** Store-reading calls that may wait for a query thread; more are refused. */
  private static final int QUERY_QUEUE = 1024;

  /** The exit status when damage is found in the store while serving (EX_DATAERR). */
  static final int EXIT_STORE_DAMAGED = 65;

  private final CairnConfig config;
  private final GrpcHealth health;
  private final EngineMetrics metrics;
  private final Instance<HttpServer> httpServer;

  private DataDirectory dataDirectory;
  private EventStore store;
  private ProcessSupervisor supervisor;
  private Engine engine;
  private ClusterNode clusterNode;
  private EventBroadcaster broadcaster;
  private EngineSettings settings;
  private final OpenStreams openStreams = new OpenStreams();
  private ExecutorService queryWorkers;
  private ScheduledExecutorService streamWorkers;
  private RunRemover remover;
  private ClusterPeers cluster;
  private Retention retention;
  private Schedules schedules;
  private ScheduleTimer scheduleTimer;
  private volatile boolean ready;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private static final AtomicBoolean warmUpStarted = new AtomicBoolean();

  @Inject
  CairnServer(
      CairnConfig config,
      @GrpcService GrpcHealth health,
      EngineMetrics metrics,
      Instance<HttpServer> httpServer) {
    this.config = config;
    this.httpServer = httpServer;
    this.health = health;
    this.metrics = metrics;
  }

  @PostConstruct
  void start() {
    try {
      startAll();
    } catch (RuntimeException | Error e) {
      // Quarkus runs no shutdown observer for a bean whose start failed: release what was opened
      // (the engine's threads, the store and the directory's lock) here.
      try {
        stop();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private void startAll() {
    long began = System.nanoTime();
    warmUpInBackground();
    ConfigFile.problem(config.configFile())
        .ifPresent(
            problem -> {
              throw new StartRefused(problem);
            });
    refuseOutOfRange("cairn.port", config.port(), 0, 65535);
    refuseOutOfRange("cairn.max-parallel", config.maxParallel(), 0, Integer.MAX_VALUE);
    // Values no run could work with: accepted, every submit or every step would fail.
    refuseOutOfRange("cairn.output-limit-bytes", config.outputLimitBytes(), 1, Long.MAX_VALUE);
    refuseOutOfRange("cairn.max-spec-bytes", config.maxSpecBytes(), 1, Integer.MAX_VALUE);
    refuseOutOfRange("cairn.max-steps", config.maxSteps(), 1, Integer.MAX_VALUE);
    if (config.stopGrace().isNegative()) {
      throw new StartRefused(
          "cairn.stop-grace is " + config.stopGrace() + "; it must not be negative");
    }
    refuseInsecureBind(config);
    refuseTakenPort(config);
    Optional<Duration> horizon = retentionHorizon("cairn.retention", config.retention());
    Optional<Duration> tombstones =
        retentionHorizon("cairn.retention-tombstones", config.retentionTombstones());
    StoreOpening.Opened opened =
        StoreOpening.open(
            config.dataDir(),
            config.store(),
            Optional.of(() -> NodeSetting.of(config, config.port())));
    dataDirectory = opened.directory();
    store = opened.store();
    store.onCorruption(this::stopOnDamage);
    long storeOpened = System.nanoTime();
    Optional<RunAsUser> runAs = RunAsSetting.resolve(config.runAsUser(), config.processLauncher());
    supervisor = supervisor(runAs);
    broadcaster = new EventBroadcaster();
    int cores = Runtime.getRuntime().availableProcessors();
    settings =
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
    Optional<RunOwnership> ownership = store.ownership();
    if (ownership.isPresent()) {
      settings = settings.asNode(ownership.get().node().nodeId(), ownership.get().node().bootId());
    }
    // On a store several servers share, watchers are fed from the log, where every node's events
    // are, rather than from this engine's commits (ClusterPeers).
    EventBroadcaster engineEvents =
        store.cluster().isPresent() ? new EventBroadcaster() : broadcaster;
    engine =
        new Engine(
            store,
            supervisor,
            EngineClock.system(),
            settings,
            engineEvents,
            this::fatal,
            ownership);
    if (ownership.isPresent()) {
      NodeSetting node = opened.node().orElseThrow();
      clusterNode =
          new ClusterNode(engine, store, ownership.get(), node.leaseTime(), node.margin());
      // Renewing from before recovery, which takes the leases of this node's earlier boot.
      clusterNode.keepLeases();
    }
    engine.observe(EngineObserver.all(metrics, new RunLog(store)));
    metrics.bind(engine, store, broadcaster);
    // Recovery runs on the engine thread while Quarkus binds the port; the engine starts no step
    // and takes no command until onStart, after the bind. Until recovery is done, health says not
    // ready; reads answer from the store as it is, and commands queue for the engine.
    engine.start();
    remover = new RunRemover(store, settings, Clock.systemUTC());
    startSchedules();
    retention = new Retention(store, remover, horizon, tombstones, Clock.systemUTC());
    retention.start();
    // At most as many threads as the store serves reads at once.
    int reads = store.readConcurrency();
    queryWorkers = queryPool(Math.min(reads, Math.max(4, 2 * cores)));
    // Streams hold no thread while they wait (RunService): a few threads serve any number of them.
    streamWorkers =
        Executors.newScheduledThreadPool(
            Math.min(reads, Math.max(2, cores)), daemon("cairn-stream"));
    if (store.cluster().isPresent()) {
      cluster =
          new ClusterPeers(
              store.cluster().get(),
              store,
              broadcaster,
              engine,
              settings.markerPrefix(),
              io.quarkus.arc.Arc.container().instance(io.vertx.core.Vertx.class).get(),
              dataDirectory.token(),
              config.tls().certificate(),
              streamWorkers,
              config.cluster().maxLiveRuns());
      cluster.listen();
    }
    LOG.debugf(
        "start: data directory and store %d ms, engine set up %d ms",
        Long.valueOf(millis(storeOpened - began)),
        Long.valueOf(millis(System.nanoTime() - storeOpened)));
  }

  void onHttpStart(@ObservesAsync HttpServerStart event) {
    onListening(boundPort(false));
  }

  void onHttpsStart(@ObservesAsync HttpsServerStart event) {
    onListening(boundPort(true));
  }

  /** The port bound, which differs from the setting when that is 0. */
  private int boundPort(boolean tls) {
    if (httpServer.isResolvable()) {
      HttpServer bound = httpServer.get();
      return tls ? bound.getSecurePort() : bound.getPort();
    }
    return config.port();
  }

  /**
   * The port is bound: the engine may go on from recovery to work. Health turns to SERVING once
   * recovery is done; a recovery that fails stops the server.
   */
  private void onListening(int boundPort) {
    engine.open();
    if (cluster != null) {
      cluster.serving(
          config.cluster().advertisedAddress().orElse(config.host() + ":" + boundPort),
          engine::liveRuns);
    }
    Thread waiter =
        new Thread(
            () -> {
              try {
                if (!engine.awaitReady(Duration.ofMinutes(10))) {
                  LOG.errorf(
                      "%s; the server stops",
                      engine.recoveryFailed()
                          ? "recovery failed (the error is logged above)"
                          : "recovery did not finish within 10 minutes");
                  Quarkus.asyncExit(1);
                  return;
                }
              } catch (InterruptedException e) {
                return;
              }
              ready = true;
              health.serving();
              if (clusterNode != null) {
                clusterNode.startTakeovers();
              }
              LOG.infof(
                  "Cairn ready: gRPC on %s:%d%s (and HTTP: /q/health, /q/metrics), data directory"
                      + " %s, max %d parallel attempts, steps started by the %s",
                  config.host(),
                  Integer.valueOf(boundPort),
                  config.tls().certificate().isPresent() ? " (TLS)" : "",
                  dataDirectory.root(),
                  Integer.valueOf(settings.maxParallel()),
                  supervisor.launcherName());
            },
            "cairn-ready");
    waiter.setDaemon(true);
    waiter.start();
  }

  /** Recovery is done and the engine takes work. */
  boolean ready() {
    return ready;
  }

  /** Why the store takes no writes now (a full disk), if it does not. */
  Optional<String> storeUnwritable() {
    if (engine.storeFull()) {
      return Optional.of("the disk holding the event store is full; free space to go on");
    }
    if (engine.storeUnreachable()) {
      return Optional.of("the database cannot be reached; this server connects again by itself");
    }
    if (engine.fenced()) {
      return Optional.of(
          "this node could not renew its run leases and stopped its steps; it joins again once it"
              + " reaches the database");
    }
    return Optional.empty();
  }

  Engine engine() {
    return engine;
  }

  EventStore store() {
    return store;
  }

  /**
   * Rebuilds the schedules from their log now, so that the API answers with them at once, and fires
   * them from their own thread once recovery is done.
   */
  private void startSchedules() {
    schedules =
        new Schedules(store.scheduleLog(), ScheduleRuns.of(engine, store), EngineClock.system());
    schedules.load();
    scheduleTimer = new ScheduleTimer(schedules, EngineClock.system());
    scheduleTimer.start(() -> engine.awaitReady(Duration.ofDays(1)));
  }

  Schedules schedules() {
    return schedules;
  }

  RunRemover remover() {
    return remover;
  }

  private static Optional<Duration> retentionHorizon(String name, String value) {
    try {
      return RetentionSetting.parse(name, value);
    } catch (IllegalArgumentException e) {
      throw new StartRefused(e.getMessage());
    }
  }

  /** This server as a node of several on one database; empty on a store it owns alone. */
  Optional<ClusterPeers> cluster() {
    return Optional.ofNullable(cluster);
  }

  EventBroadcaster broadcaster() {
    return broadcaster;
  }

  /** WatchEvents calls not yet ended, which the stop waits for. */
  OpenStreams openStreams() {
    return openStreams;
  }

  String token() {
    return dataDirectory.token();
  }

  ExecutorService queryWorkers() {
    return queryWorkers;
  }

  ScheduledExecutorService streamWorkers() {
    return streamWorkers;
  }

  /** The largest event a watcher may be sent: a spec and a few short fields. */
  long maxEventBytes() {
    return config.maxSpecBytes() + EVENT_OVERHEAD_BYTES;
  }

  /**
   * The engine cannot go on: an fsync or I/O error (this process can no longer trust the file), or
   * an Error on the engine thread (its state is in doubt). Health says NOT_SERVING and the process
   * exits at once; the parent-death signal takes the running steps with it, and the next start
   * recovers every unfinished attempt from the log.
   */
  private void fatal(Throwable failure) {
    try {
      health.notServing();
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
      health.notServing();
      LOG.errorf("the event store is damaged; the server stops: %s", damage.getMessage());
    } finally {
      Runtime.getRuntime().halt(EXIT_STORE_DAMAGED);
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /**
   * Refuses, before the port is bound, an address other than loopback without TLS, and half a TLS
   * setting.
   */
  static void refuseInsecureBind(CairnConfig config) {
    boolean certificate = config.tls().certificate().isPresent();
    if (certificate != config.tls().key().isPresent()) {
      throw new StartRefused("TLS needs both cairn.tls.certificate and cairn.tls.key, or neither");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(config.host());
    } catch (UnknownHostException e) {
      throw new StartRefused(
          "cannot resolve cairn.host '" + config.host() + "': " + e.getMessage());
    }
    if (certificate) {
      refuseUnusableTls(config.tls().certificate().get(), config.tls().key().get());
      return;
    }
    if (address.isLoopbackAddress()) {
      return;
    }
    throw new StartRefused(
        "refusing to listen on "
            + config.host()
            + " without TLS: bind to 127.0.0.1, or set cairn.tls.certificate and cairn.tls.key");
  }

  /** Refuses TLS files that cannot serve, in one line (see {@link ListenerSettings#tlsProblem}). */
  private static void refuseUnusableTls(Path certificate, Path key) {
    Optional<String> problem = ListenerSettings.tlsProblem(certificate, key);
    if (problem.isPresent()) {
      throw new StartRefused(
          "cannot use the TLS certificate "
              + certificate
              + " and key "
              + key
              + ": "
              + problem.get()
              + " (a PEM certificate chain and a PEM PKCS#8 private key are needed)");
    }
  }

  private static void refuseOutOfRange(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      boolean unbounded = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
      throw new StartRefused(
          setting
              + " is "
              + value
              + "; it must be "
              + (unbounded ? "at least " + min : "between " + min + " and " + max));
    }
  }

  /**
   * Refuses, in one line, a port another process listens on, before the store is opened and
   * recovery begins. Quarkus's own bind would fail too, a moment later and in its words; the engine
   * starts no step before that bind.
   */
  private static void refuseTakenPort(CairnConfig config) {
    if (config.port() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()));
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new StartRefused(
          "cannot listen on "
              + config.host()
              + ":"
              + config.port()
              + ": "
              + reason
              + (reason.contains("in use")
                  ? " (is another server on this port? choose another with --port or cairn.port)"
                  : ""));
    }
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
    stop();
  }

  @PreDestroy
  void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    health.notServing();
    if (retention != null) {
      retention.close();
    }
    if (scheduleTimer != null) {
      scheduleTimer.close();
    }
    // Commands are refused from here; the engine records running attempts as INTERRUPTED, then
    // followed streams end with UNAVAILABLE after the last events it published, so that watchers
    // see them and resume on the next start. Quarkus closes the port after this returns.
    if (cluster != null) {
      cluster.stopCommands();
    }
    if (engine != null) {
      engine.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    // After the engine recorded its attempts as interrupted, which needs the leases.
    if (clusterNode != null) {
      clusterNode.close();
    }
    if (broadcaster != null) {
      broadcaster.close();
      openStreams.awaitEnded(STREAMS_GRACE_MILLIS);
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
