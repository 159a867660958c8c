package dev.cairn.server.runtime;

import dev.cairn.server.engine.SpecLimits;
import dev.cairn.server.process.RunAsUser;
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
    Optional<RunAsUser> runAs) {

  public EngineSettings {
    baseEnvironment = Map.copyOf(baseEnvironment);
    runAs = Objects.requireNonNull(runAs, "runAs");
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

  /** The marker of one attempt; the trailing slash keeps attempt 1 from matching attempt 10. */
  public String marker(String runId, String stepId, int attempt) {
    return markerPrefix() + runId + "/" + stepId + "/" + attempt + "/";
  }

  /** The file holding one attempt's stdout and stderr. */
  public Path outputFile(String runId, String stepId, int attempt) {
    return dataDir.resolve("logs").resolve(runId).resolve(stepId + "." + attempt + ".log");
  }
}
