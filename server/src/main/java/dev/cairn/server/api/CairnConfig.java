package dev.cairn.server.api;

import dev.cairn.server.process.LauncherKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The server's settings, under the {@code cairn.} prefix: from {@code -D}, {@code CAIRN_*}
 * environment variables, or a file named by {@code cairn.config-file} ({@code bin/cairn server
 * --config FILE}), in that order.
 */
@ConfigMapping(prefix = "cairn")
public interface CairnConfig {
  /** Data directory: database, token, step output. Default: $XDG_DATA_HOME/cairn. */
  Optional<String> dataDir();

  /**
   * The event store, as {@code SCHEME:LOCATION}; the scheme picks the adapter, and an unknown one
   * refuses the start naming the supported ones. Default: a database file in the data directory
   * (see StoreSetting).
   */
  Optional<String> store();

  /**
   * Where a run whose spec names no working directory gets one, as {@code <work root>/<store
   * id>/<run id>} (0700, kept after the run). Default: {@code ${java.io.tmpdir}/cairn-runs-<user>}.
   * Never the data directory, where the token lies.
   */
  Optional<Path> workRoot();

  /** Address the one gRPC and HTTP port binds. Any but a loopback address needs TLS. */
  @WithDefault("127.0.0.1")
  String host();

  /** The port for gRPC and HTTP (health, metrics); 0 picks a free one (the log says which). */
  @WithDefault("7420")
  int port();

  /** TLS for the port: both or neither; with TLS the port serves TLS only. */
  Tls tls();

  /** PEM files for the listener's TLS. */
  interface Tls {
    /** The certificate chain, PEM. */
    Optional<Path> certificate();

    /** The private key, PEM (PKCS#8). */
    Optional<Path> key();
  }

  /** Server-wide cap on running attempts; 0 means twice the number of processors, at least 4. */
  @WithDefault("0")
  int maxParallel();

  /** Cap on one attempt's output file, in bytes. */
  @WithDefault("268435456")
  long outputLimitBytes();

  /** Time between SIGTERM and SIGKILL when stopping an attempt. */
  @WithDefault("5s")
  Duration stopGrace();

  /**
   * How long decided events may wait to share one commit (one fsync) with later ones when no client
   * waits for an acknowledgement; 0 commits every engine pass. 20 ms holds a fan-out of small steps
   * to about one commit per 30 steps; watchers see an event at most this much later.
   */
  @WithDefault("20ms")
  Duration commitWindow();

  /**
   * A properties file of settings ({@code cairn server --config FILE}): below {@code -D} and the
   * environment, above the defaults (see ConfigFile).
   */
  Optional<String> configFile();

  /**
   * How long a finished run is kept after it ended: then its events, its row and its output files
   * are removed (see docs/guarantees.md). A number with a unit ({@code 500ms}, {@code 30s}, {@code
   * 15m}, {@code 12h}, {@code 30d}) or an ISO-8601 duration; {@code forever} keeps every run.
   */
  @WithDefault("30d")
  String retention();

  /**
   * How long a removed run's tombstone is kept, during which GetRun says the run was removed rather
   * than unknown; the same forms as {@link #retention}.
   */
  @WithDefault("30d")
  String retentionTombstones();

  /** Log lines as JSON objects, one per line, with a run's fields at the top level. */
  @WithDefault("false")
  boolean logJson();

  /**
   * How steps are started: {@code auto} (the native cairn-spawn helper when this build has it, else
   * the util-linux wrappers), {@code helper} (refuse to start without it) or {@code wrappers}.
   */
  @WithDefault("auto")
  LauncherKind processLauncher();

  /**
   * The user every step runs as, by name, when the server runs as root; the server refuses to start
   * when it does not run as root, when the user is unknown, or with the wrappers launcher. Unset,
   * steps run as the server's own user.
   */
  Optional<String> runAsUser();

  /**
   * How this server takes part in a cluster, when its store is shared by several servers (a
   * PostgreSQL store): see docs/cluster.md. A store of one server's own ignores these.
   */
  Cluster cluster();

  /** The node settings of a server whose store several servers share. */
  interface Cluster {
    /**
     * This node's id, stable across restarts: letters, digits, '.', '_' and '-', at most 64.
     * Default: one generated on the first start into the file node-id of the data directory.
     */
    Optional<String> nodeId();

    /**
     * Where other nodes and clients reach this node, host:port. Default: cairn.host and the bound
     * port.
     */
    Optional<String> advertisedAddress();

    /**
     * How long a node's lease of a run lasts without renewal, on the database's clock; another node
     * takes the run over once it ran out. Renewed every third of it.
     */
    @WithDefault("15s")
    Duration leaseTime();

    /**
     * How long before its lease could run out a node that cannot renew must have stopped every
     * process of its runs. More than cairn.stop-grace (a stop is SIGTERM, the grace, SIGKILL) and
     * less than the lease time.
     */
    @WithDefault("7s")
    Duration leaseMargin();

    /**
     * How many live runs this node owns before it places new submits on the least-loaded other node
     * (see docs/cluster.md); 0 keeps every submit on the node it is sent to.
     */
    @WithDefault("0")
    int maxLiveRuns();
  }

  /** Largest serialized workflow spec accepted, in bytes. */
  @WithDefault("1048576")
  int maxSpecBytes();

  /** Largest number of steps in one workflow. */
  @WithDefault("10000")
  int maxSteps();

  /**
   * Host names an HTTP request may name, besides loopback ones, while the port is on a loopback
   * address (a reverse proxy that passes its own Host); see HostCheck.
   */
  Optional<List<String>> allowedHosts();
}
