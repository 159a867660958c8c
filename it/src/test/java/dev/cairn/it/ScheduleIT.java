package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.cairn.v1.CreateScheduleRequest;
import dev.cairn.v1.DeleteScheduleRequest;
import dev.cairn.v1.Event;
import dev.cairn.v1.GetScheduleRequest;
import dev.cairn.v1.GetScheduleResponse;
import dev.cairn.v1.NotRunReason;
import dev.cairn.v1.OverlapPolicy;
import dev.cairn.v1.PauseScheduleRequest;
import dev.cairn.v1.ResumeScheduleRequest;
import dev.cairn.v1.ScheduleFiringsNotRun;
import dev.cairn.v1.ScheduleServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules on the packaged server: across kill -9 and downtime, and through restarts. */
class ScheduleIT {
  private static final Duration WINDOW = Duration.ofSeconds(2);

  @TempDir Path dataDir;

  static ScheduleServiceGrpc.ScheduleServiceBlockingStub schedules(ServerProcess server) {
    return ScheduleServiceGrpc.newBlockingStub(server.channel())
        .withCallCredentials(ServerProcess.bearer(server.token()));
  }

  static void createEverySecond(ServerProcess server, String id) {
    schedules(server)
        .createSchedule(
            CreateScheduleRequest.newBuilder()
                .setScheduleId(id)
                .setSpec(workflow("every-second", shell("tick", "true")))
                .setCron("* * * * * *")
                .setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL)
                .setCatchUpWindow(
                    com.google.protobuf.Duration.newBuilder().setSeconds(WINDOW.toSeconds()))
                .build());
  }

  /** The nominal times of the schedule's runs, each with how many runs it has, from the log. */
  static Map<Instant, Integer> runsByNominalTime(Runs runs, String id) {
    Map<Instant, Integer> counts = new TreeMap<>();
    for (Event event : runs.all()) {
      if (event.hasRunSubmitted() && event.getRunSubmitted().getScheduleId().equals(id)) {
        counts.merge(instant(event.getRunSubmitted().getNominalTime()), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** When each of the schedule's runs was submitted, by nominal time. */
  private static Map<Instant, Instant> submitTimes(Runs runs, String id) {
    Map<Instant, Instant> times = new HashMap<>();
    for (Event event : runs.all()) {
      if (event.hasRunSubmitted() && event.getRunSubmitted().getScheduleId().equals(id)) {
        times.put(instant(event.getRunSubmitted().getNominalTime()), Runs.time(event));
      }
    }
    return times;
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static GetScheduleResponse describe(ServerProcess server, String id) {
    return schedules(server)
        .getSchedule(GetScheduleRequest.newBuilder().setScheduleId(id).setRecentCount(100).build());
  }

  static void await(String what, Duration timeout, java.util.function.BooleanSupplier done) {
    Instant deadline = Instant.now().plus(timeout);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " not reached in " + timeout);
      }
      ServerProcess.pause(50);
    }
  }

  static int runCount(Runs runs, String id) {
    return runsByNominalTime(runs, id).values().stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void afterKillNineAndDowntimeEveryTimeInTheWindowHasOneRunAndOlderOnesAreMissed() {
    ServerProcess server = ServerProcess.start(dataDir);
    try {
      Runs runs = new Runs(server);
      createEverySecond(server, "beat");
      await("two runs", Duration.ofSeconds(10), () -> runCount(runs, "beat") >= 2);

      server.kill9();
      ServerProcess.pause(5_000); // the downtime itself, not a wait for anything
      server.relaunch();
      Instant back = Instant.now();
      await(
          "runs after the restart",
          Duration.ofSeconds(15),
          () -> runsByNominalTime(runs, "beat").keySet().stream().anyMatch(t -> t.isAfter(back)));

      Map<Instant, Integer> counts = runsByNominalTime(runs, "beat");
      assertThat(counts.values()).as("no nominal time has two runs").containsOnly(1);
      List<ScheduleFiringsNotRun> missed = new ArrayList<>();
      for (ScheduleFiringsNotRun range : describe(server, "beat").getRecentNotRunList()) {
        assertThat(range.getReason()).isEqualTo(NotRunReason.NOT_RUN_REASON_MISSED);
        missed.add(range);
      }
      assertThat(missed).as("the downtime is recorded as missed").isNotEmpty();

      // Every second from the first run to the last has exactly one of: a run, a missed record.
      Instant first = counts.keySet().iterator().next();
      Instant last = ((TreeMap<Instant, Integer>) counts).lastKey();
      int missedCount = 0;
      for (Instant t = first; !t.isAfter(last); t = t.plusSeconds(1)) {
        Instant second = t;
        boolean ran = counts.containsKey(second);
        long inRanges =
            missed.stream()
                .filter(
                    range ->
                        !second.isBefore(instant(range.getFirstNominalTime()))
                            && !second.isAfter(instant(range.getLastNominalTime())))
                .count();
        assertThat((ran ? 1 : 0) + inRanges).as("records of %s", second).isEqualTo(1);
        missedCount += inRanges;
      }
      assertThat(missedCount)
          .isEqualTo(missed.stream().mapToInt(ScheduleFiringsNotRun::getCount).sum());
      // 5 s down plus the start: at least 5 - 2 (the window) - 1 times missed.
      assertThat(missedCount).isGreaterThanOrEqualTo(2);
      System.out.printf(
          "schedule across kill -9: %d runs, %d times missed in %d range(s), none doubled%n",
          counts.size(), missedCount, missed.size());

      // The caught-up runs lie within the window of when they were submitted; missed ones do not.
      Instant lastMissed = instant(missed.get(0).getLastNominalTime());
      Map<Instant, Instant> submitted = submitTimes(runs, "beat");
      Instant firstCaughtUp =
          counts.keySet().stream().filter(t -> t.isAfter(lastMissed)).findFirst().orElseThrow();
      Instant caughtUpAt = submitted.get(firstCaughtUp);
      assertThat(Duration.between(firstCaughtUp, caughtUpAt))
          .isLessThanOrEqualTo(WINDOW.plusSeconds(2));
      assertThat(Duration.between(lastMissed, caughtUpAt)).isGreaterThan(WINDOW.minusMillis(500));
    } finally {
      server.close();
    }
  }

  @Test
  void pauseResumeAndDeleteTakeEffectByTheNextFiringAndSurviveARestart() {
    ServerProcess server = ServerProcess.start(dataDir);
    try {
      Runs runs = new Runs(server);
      createEverySecond(server, "pulse");
      await("a run", Duration.ofSeconds(10), () -> runCount(runs, "pulse") >= 1);

      schedules(server)
          .pauseSchedule(PauseScheduleRequest.newBuilder().setScheduleId("pulse").build());
      int whilePaused = runCount(runs, "pulse");
      server.kill9();
      server.relaunch();
      assertThat(describe(server, "pulse").getSchedule().getPaused()).isTrue();
      ServerProcess.pause(2_000); // two nominal times pass; none may start a run
      assertThat(runCount(runs, "pulse")).isEqualTo(whilePaused);

      schedules(server)
          .resumeSchedule(ResumeScheduleRequest.newBuilder().setScheduleId("pulse").build());
      await(
          "a run after resume", Duration.ofSeconds(3), () -> runCount(runs, "pulse") > whilePaused);
      server.restart();
      int beforeRestart = runCount(runs, "pulse");
      await(
          "a run after the restart",
          Duration.ofSeconds(10),
          () -> runCount(runs, "pulse") > beforeRestart);

      schedules(server)
          .deleteSchedule(DeleteScheduleRequest.newBuilder().setScheduleId("pulse").build());
      int deleted = runCount(runs, "pulse");
      server.kill9();
      server.relaunch();
      assertThatThrownBy(() -> describe(server, "pulse"))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
      ServerProcess.pause(2_000); // two nominal times pass; none may start a run
      assertThat(runCount(runs, "pulse")).isEqualTo(deleted);
    } finally {
      server.close();
    }
  }
}
