package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.CreateScheduleRequest;
import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.GetScheduleRequest;
import dev.cairn.v1.OverlapPolicy;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.ScheduleFiringsNotRun;
import dev.cairn.v1.StepStatus;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one node at a time does for the whole cluster, on three packaged servers sharing one
 * PostgreSQL: a schedule whose firing node is killed still has exactly one run per nominal time
 * across the cluster, and retention removes each finished run once, on one node, never a live one.
 */
class ClusterMaintenanceIT {
  private static final Pattern REMOVED = Pattern.compile("retention removed (\\d+) runs");

  @Test
  void aScheduleWhoseFiringNodeIsKilledStillHasOneRunPerNominalTime(@TempDir Path root)
      throws Exception {
    try (Cluster cluster =
        Cluster.start(
            root,
            "-Dcairn.cluster.lease-time=3s",
            "-Dcairn.cluster.lease-margin=1500ms",
            "-Dcairn.stop-grace=1s")) {
      ScheduleIT.schedules(cluster.node(0))
          .createSchedule(
              CreateScheduleRequest.newBuilder()
                  .setScheduleId("heartbeat")
                  .setSpec(workflow("heartbeat", shell("tick", "true")))
                  .setCron("* * * * * *")
                  .setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL)
                  // Longer than a handover, so that no time falls outside it and is missed.
                  .setCatchUpWindow(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                  .build());
      Runs first = new Runs(cluster.node(0));
      ScheduleIT.await(
          "three runs and the node that fires them",
          Duration.ofSeconds(30),
          () -> firingNodes(first).size() >= 3);
      String firing = firingNodes(first).values().iterator().next();
      int victim = Cluster.NODE_IDS.indexOf(firing);
      assertThat(victim).as("the firing node %s is one of the three", firing).isNotNegative();
      cluster.node(victim).kill9();
      Instant killed = Instant.now();

      Runs survivor = new Runs(cluster.node((victim + 1) % 3));
      ScheduleIT.await(
          "five runs fired by another node after the kill",
          Duration.ofSeconds(60),
          () ->
              firingNodes(survivor).entrySet().stream()
                      .filter(e -> e.getKey().isAfter(killed) && !e.getValue().equals(firing))
                      .count()
                  >= 5);

      Map<Instant, Integer> counts = ScheduleIT.runsByNominalTime(survivor, "heartbeat");
      assertThat(counts.values()).as("no nominal time has two runs").containsOnly(1);
      List<ScheduleFiringsNotRun> notRun =
          ScheduleIT.schedules(cluster.node((victim + 1) % 3))
              .getSchedule(
                  GetScheduleRequest.newBuilder()
                      .setScheduleId("heartbeat")
                      .setRecentCount(100)
                      .build())
              .getRecentNotRunList();
      // Every second from the first run to the last has exactly one record: a run or a missed one.
      Instant from = ((TreeMap<Instant, Integer>) counts).firstKey();
      Instant to = ((TreeMap<Instant, Integer>) counts).lastKey();
      for (Instant second = from; !second.isAfter(to); second = second.plusSeconds(1)) {
        Instant t = second;
        long inRanges =
            notRun.stream()
                .filter(
                    range ->
                        !t.isBefore(instant(range.getFirstNominalTime()))
                            && !t.isAfter(instant(range.getLastNominalTime())))
                .count();
        assertThat((counts.containsKey(t) ? 1 : 0) + inRanges).as("records of %s", t).isEqualTo(1);
      }
      Map<Instant, String> nodes = firingNodes(survivor);
      System.out.printf(
          "schedule across the kill of its firing node %s: %d nominal times from %s to %s, each"
              + " one run; %d recorded not run; fired after the kill by %s%n",
          firing,
          counts.size(),
          from,
          to,
          notRun.stream().mapToInt(ScheduleFiringsNotRun::getCount).sum(),
          nodes.entrySet().stream()
              .filter(e -> e.getKey().isAfter(killed))
              .map(Map.Entry::getValue)
              .distinct()
              .toList());
    }
  }

  @Test
  void retentionRemovesEachFinishedRunOnceOnOneNodeAndNeverALiveOne(@TempDir Path root)
      throws Exception {
    try (Cluster cluster =
        Cluster.start(root, "-Dcairn.retention=1s", "-Dcairn.retention-tombstones=1h")) {
      Runs onB = new Runs(cluster.node(1));
      String live = onB.submit(workflow("stays-live", shell("wait", "sleep 600")));
      onB.awaitStatus(
          live,
          run -> run.getSteps(0).getStatus() == StepStatus.STEP_STATUS_RUNNING,
          Duration.ofSeconds(30));
      List<String> finished = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        finished.add(new Runs(cluster.node(i % 3)).submit(workflow("short", shell("a", "true"))));
      }

      ServerProcess asked = cluster.node(2);
      ScheduleIT.await(
          "every finished run removed",
          Duration.ofSeconds(60),
          () -> finished.stream().allMatch(runId -> removed(asked, runId)));

      // The live run is untouched on every node, its events whole.
      for (int node = 0; node < 3; node++) {
        assertThat(new Runs(cluster.node(node)).get(live).getStatus())
            .isEqualTo(RunStatus.RUN_STATUS_RUNNING);
      }
      List<Event> liveEvents = new Runs(cluster.node(0)).all();
      assertThat(liveEvents.stream().filter(e -> e.getRunId().equals(live)).count())
          .isGreaterThanOrEqualTo(2);
      // Each run was removed once: the removals the nodes logged add up to the runs that ended, so
      // no two passes removed the same run.
      int logged = 0;
      List<Integer> byNode = new ArrayList<>();
      for (int node = 0; node < 3; node++) {
        int count = 0;
        Matcher matcher = REMOVED.matcher(cluster.node(node).logText());
        while (matcher.find()) {
          count += Integer.parseInt(matcher.group(1));
        }
        byNode.add(count);
        logged += count;
      }
      assertThat(logged).as("removals logged by node: %s", byNode).isEqualTo(finished.size());
      System.out.printf("retention across three nodes: removals logged by node %s%n", byNode);
    }
  }

  /** The node that ran each of the schedule's runs, by nominal time, from the log. */
  private static Map<Instant, String> firingNodes(Runs runs) {
    Map<String, Instant> nominalOfRun = new HashMap<>();
    Map<Instant, String> nodes = new TreeMap<>();
    for (Event event : runs.all()) {
      if (event.hasRunSubmitted() && event.getRunSubmitted().getScheduleId().equals("heartbeat")) {
        nominalOfRun.put(event.getRunId(), instant(event.getRunSubmitted().getNominalTime()));
      } else if (event.hasStepStarted() && nominalOfRun.containsKey(event.getRunId())) {
        nodes.putIfAbsent(nominalOfRun.get(event.getRunId()), event.getStepStarted().getNodeId());
      }
    }
    return nodes;
  }

  private static boolean removed(ServerProcess server, String runId) {
    Throwable error =
        catchThrowable(
            () -> server.stub().getRun(GetRunRequest.newBuilder().setRunId(runId).build()));
    return error instanceof StatusRuntimeException
        && "RUN_REMOVED".equals(ErrorInfos.of(error).getReason());
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
