package dev.cairn.server.runtime;

import dev.cairn.server.process.RunAsUser;
import dev.cairn.workflow.spec.SpecLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine shell runs.
 *
 * @param dataDir where step output lives
 * @param workRoot where runs whose spec names no working directory get one, {@code <work root>/<run
 *     id>}; outside the data directory, and this store's own
 * @param storeId identifies this store in process markers, so a sweep finds only its own processes
 * @param maxParallel server-wide cap on running attempts
 * @param outputLimitBytes cap on one attempt's output file
 * @param stopGrace time between SIGTERM and SIGKILL when stopping an attempt
 * @param specLimits bounds on submitted specs
 * @param baseEnvironment variables every step gets before the spec's own
 * @param commitWindow how long decided events may wait to share a commit with later ones, when no
 *     client waits for them
 * @param runAs the user steps run as, when the server runs as root and one is set; the run
 *     directories are made that user's
 * @param nodeId this server's node id when servers share the store as a cluster, else empty
 * @param bootId this start of the node, else empty
 */
public record EngineSettings(
    Path dataDir,
    Path workRoot,
    String storeId,
    int maxParallel,
    long outputLimitBytes,
    Duration stopGrace,
    SpecLimits specLimits,
    Map<String, String> baseEnvironment,
    Duration commitWindow,
    Optional<RunAsUser> runAs,
    String nodeId,
    String bootId) {

  public EngineSettings {
    baseEnvironment = Map.copyOf(baseEnvironment);
    runAs = Objects.requireNonNull(runAs, "runAs");
    nodeId = Objects.requireNonNull(nodeId, "nodeId");
    bootId = Objects.requireNonNull(bootId, "bootId");
  }

  /** Settings of a single server, which is no node of a cluster. */
  public EngineSettings(
      Path dataDir,
      Path workRoot,
      String storeId,
      int maxParallel,
      long outputLimitBytes,
      Duration stopGrace,
      SpecLimits specLimits,
      Map<String, String> baseEnvironment,
      Duration commitWindow,
      Optional<RunAsUser> runAs) {
    this(
        dataDir,
        workRoot,
        storeId,
        maxParallel,
        outputLimitBytes,
        stopGrace,
        specLimits,
        baseEnvironment,
        commitWindow,
        runAs,
        "",
        "");
  }

  /** The same settings for a node of a cluster. */
  public EngineSettings asNode(String nodeId, String bootId) {
    return new EngineSettings(
        dataDir,
        workRoot,
        storeId,
        maxParallel,
        outputLimitBytes,
        stopGrace,
        specLimits,
        baseEnvironment,
        commitWindow,
        runAs,
        nodeId,
        bootId);
  }

  /** Whether this server is a node of a cluster. */
  public boolean clustered() {
    return !nodeId.isEmpty();
  }

  /** Settings whose steps run as the server's own user. */
  public EngineSettings(
      Path dataDir,
      Path workRoot,
      String storeId,
      int maxParallel,
      long outputLimitBytes,
      Duration stopGrace,
      SpecLimits specLimits,
      Map<String, String> baseEnvironment,
      Duration commitWindow) {
    this(
        dataDir,
        workRoot,
        storeId,
        maxParallel,
        outputLimitBytes,
        stopGrace,
        specLimits,
        baseEnvironment,
        commitWindow,
        Optional.empty());
  }

  /** The marker prefix shared by every process this store started. */
  public String markerPrefix() {
    return "cairn/" + storeId + "/";
  }

  /**
   * The marker of one attempt; the trailing slash keeps attempt 1 from matching attempt 10. A node
   * of a cluster adds its id and boot, so that a process names the node life that started it.
   */
  public String marker(String runId, String stepId, int attempt) {
    String marker = markerPrefix() + runId + "/" + stepId + "/" + attempt + "/";
    return clustered() ? marker + nodeId + "." + bootId + "/" : marker;
  }

  /** The file holding one attempt's stdout and stderr. */
  public Path outputFile(String runId, String stepId, int attempt) {
    return dataDir.resolve("logs").resolve(runId).resolve(stepId + "." + attempt + ".log");
  }
}
