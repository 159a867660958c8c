package dev.cairn.server.engine;

import java.time.Instant;
import java.util.Map;

/**
 * What a run's RunSubmitted fixes for its whole life beside the spec: its resolved parameters, its
 * labels, the run it reruns, and its deadline.
 *
 * @param params the resolved parameter values
 * @param labels the run's labels
 * @param rerunOf the run this one reruns, or empty
 * @param deadline when the run times out, or null when it has no timeout
 */
public record RunInfo(
    Map<String, String> params, Map<String, String> labels, String rerunOf, Instant deadline) {
  public RunInfo {
    params = Map.copyOf(params);
    labels = Map.copyOf(labels);
  }

  static final RunInfo NONE = new RunInfo(Map.of(), Map.of(), "", null);
}
