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
 * @param scheduleId the schedule whose firing started the run, or empty
 * @param nominalTime the nominal time of that firing, or null
 */
public record RunInfo(
    Map<String, String> params,
    Map<String, String> labels,
    String rerunOf,
    Instant deadline,
    String scheduleId,
    Instant nominalTime) {
  public RunInfo {
    params = Map.copyOf(params);
    labels = Map.copyOf(labels);
  }

  /** A run no schedule started. */
  public RunInfo(
      Map<String, String> params, Map<String, String> labels, String rerunOf, Instant deadline) {
    this(params, labels, rerunOf, deadline, "", null);
  }

  static final RunInfo NONE = new RunInfo(Map.of(), Map.of(), "", null);
}
