package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.FailureReason;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStatus;
import dev.cairn.v1.WorkflowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries, concurrency limits and timeouts, observed through the events of real runs. */
class SchedulingIT extends SharedServer {

  private static List<Event> ofType(List<Event> events, Event.PayloadCase type) {
    return events.stream().filter(e -> e.getPayloadCase() == type).toList();
  }

  @Test
  void stepFailingTwiceSucceedsOnTheThirdAttemptWithBackoffAndAnotherStepRunsMeanwhile() {
    StepSpec flaky =
        shell("flaky", "test \"$CAIRN_ATTEMPT\" -ge 3").toBuilder()
            .setRetry(Specs.retry(3, 400, 2.0, 0.2))
            .build();
    WorkflowSpec spec =
        workflow("retry", flaky, shell("other", "sleep 0.1")).toBuilder().setMaxParallel(1).build();
    String runId = runs.submit(spec);
    List<Event> events = runs.follow(runId);

    assertThat(runs.get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(runs.get(runId).getSteps(0).getAttemptsCount()).isEqualTo(3);
    List<Event> failures = ofType(events, Event.PayloadCase.STEP_FAILED);
    List<Event> flakyStarts =
        ofType(events, Event.PayloadCase.STEP_STARTED).stream()
            .filter(e -> e.getStepStarted().getStepId().equals("flaky"))
            .toList();
    assertThat(failures).hasSize(2);
    assertThat(flakyStarts).hasSize(3);
    // Attempt n+1 starts after the backoff (400 ms, then 800 ms) within its 20% jitter, plus a
    // little scheduling slack on the late side only.
    long[] nominal = {400, 800};
    for (int i = 0; i < 2; i++) {
      long gap =
          Duration.between(Runs.time(failures.get(i)), Runs.time(flakyStarts.get(i + 1)))
              .toMillis();
      assertThat(gap).isBetween((long) (nominal[i] * 0.8), (long) (nominal[i] * 1.2) + 150);
    }
    // With max_parallel 1, `other` ran inside the first backoff window.
    Event otherStart =
        ofType(events, Event.PayloadCase.STEP_STARTED).stream()
            .filter(e -> e.getStepStarted().getStepId().equals("other"))
            .findFirst()
            .orElseThrow();
    assertThat(Runs.time(otherStart))
        .isAfterOrEqualTo(Runs.time(failures.get(0)))
        .isBefore(Runs.time(flakyStarts.get(1)));
  }

  @Test
  void twentySleepsWithMaxParallelFourNeverExceedFourAndTakeAboutOneSecond() {
    StepSpec[] steps = new StepSpec[20];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = shell("s" + i, "sleep 0.2");
    }
    String runId = runs.submit(workflow("wide", steps).toBuilder().setMaxParallel(4).build());
    List<Event> events = runs.follow(runId);

    int running = 0;
    int peak = 0;
    for (Event event : events) {
      switch (event.getPayloadCase()) {
        case STEP_STARTED -> peak = Math.max(peak, ++running);
        case STEP_SUCCEEDED, STEP_FAILED, STEP_CANCELLED -> running--;
        default -> {}
      }
    }
    assertThat(peak).isEqualTo(4);
    assertThat(ofType(events, Event.PayloadCase.STEP_SUCCEEDED)).hasSize(20);
    Instant begin = Runs.time(events.get(0));
    Instant end = Runs.time(events.get(events.size() - 1));
    assertThat(events.get(events.size() - 1).hasRunSucceeded()).isTrue();
    assertThat(Duration.between(begin, end).toMillis()).isBetween(1000L, 1600L);
  }

  @Test
  void timeoutStopsTheWholeGroupAndRecordsTimeout() {
    StepSpec slow =
        shell("slow", "sleep 100 & sleep 100").toBuilder().setTimeout(Specs.millis(1000)).build();
    String runId = runs.submit(workflow("timeout", slow));
    List<Event> events = runs.follow(runId);

    Event started = ofType(events, Event.PayloadCase.STEP_STARTED).get(0);
    Event failed = ofType(events, Event.PayloadCase.STEP_FAILED).get(0);
    assertThat(failed.getStepFailed().getReason()).isEqualTo(FailureReason.FAILURE_REASON_TIMEOUT);
    long took = Duration.between(Runs.time(started), Runs.time(failed)).toMillis();
    assertThat(took).isBetween(1000L, 1000L + 2000L);
    assertThat(ProcScan.alive(started.getStepStarted().getPid())).isFalse();
    assertThat(ProcScan.withEnvironment(ProcScan.runMarker(dataDir, runId))).isEmpty();
    assertThat(runs.get(runId).getSteps(0).getStatus()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
  }

  @Test
  void failedBranchSkipsDownstreamWhileTheOtherBranchCompletes() {
    String runId =
        runs.submit(
            workflow(
                "branches",
                shell("broken", "exit 3"),
                shell("after-broken", "true", "broken"),
                shell("healthy", "sleep 0.2"),
                shell("after-healthy", "true", "healthy")));
    runs.follow(runId);
    var run = runs.get(runId);
    List<StepStatus> statuses = new ArrayList<>();
    run.getStepsList().forEach(step -> statuses.add(step.getStatus()));
    assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(statuses)
        .containsExactly(
            StepStatus.STEP_STATUS_FAILED,
            StepStatus.STEP_STATUS_SKIPPED,
            StepStatus.STEP_STATUS_SUCCEEDED,
            StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(run.getSteps(0).getAttempts(0).getExitCode()).isEqualTo(3);
  }
}
