package dev.cairn.server.runtime;

import dev.cairn.server.engine.Times;
import dev.cairn.server.schedule.ScheduleState;
import dev.cairn.v1.GetScheduleResponse;
import dev.cairn.v1.ListSchedulesResponse;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.Schedule;
import dev.cairn.v1.ScheduledRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** The API's views of schedules, built from their states. */
final class ScheduleViews {
  static final int DEFAULT_NEXT = 5;
  static final int DEFAULT_RECENT = 10;
  static final int MAX_COUNT = 100;
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private ScheduleViews() {}

  static Schedule schedule(ScheduleState state, Instant now, int nextCount) {
    Schedule.Builder schedule =
        Schedule.newBuilder()
            .setDefinition(state.definition())
            .setPaused(state.paused())
            .setCreateTime(Times.timestamp(state.createdAt()));
    state.lastNominal().ifPresent(last -> schedule.setLastNominalTime(Times.timestamp(last)));
    state
        .upcoming(now, nextCount)
        .forEach(next -> schedule.addNextNominalTimes(Times.timestamp(next)));
    return schedule.build();
  }

  static GetScheduleResponse describe(
      ScheduleState state,
      Instant now,
      int nextCount,
      int recentCount,
      Set<String> open,
      ScheduleRuns runs) {
    int next = count(nextCount, DEFAULT_NEXT);
    int recent = count(recentCount, DEFAULT_RECENT);
    GetScheduleResponse.Builder response =
        GetScheduleResponse.newBuilder().setSchedule(schedule(state, now, next));
    List<ScheduleState.StartedRun> started = state.recentRuns();
    for (int i = started.size() - 1; i >= 0 && started.size() - i <= recent; i--) {
      ScheduleState.StartedRun run = started.get(i);
      RunStatus status = runs.status(run.runId()).orElse(RunStatus.RUN_STATUS_UNSPECIFIED);
      response.addRecentRuns(
          ScheduledRun.newBuilder()
              .setNominalTime(Times.timestamp(run.nominal()))
              .setRunId(run.runId())
              .setManual(run.manual())
              .setStatus(status));
    }
    var notRun = state.recentNotRun();
    for (int i = notRun.size() - 1; i >= 0 && notRun.size() - i <= recent; i--) {
      response.addRecentNotRun(notRun.get(i));
    }
    state.buffered().ifPresent(time -> response.setBufferedNominalTime(Times.timestamp(time)));
    return response.build();
  }

  static ListSchedulesResponse list(
      Collection<ScheduleState> states, int pageSize, String pageToken, Instant now) {
    if (pageSize < 0) {
      throw new IllegalArgumentException("page_size must not be negative, got " + pageSize);
    }
    int size = pageSize == 0 ? DEFAULT_PAGE : Math.min(pageSize, MAX_PAGE);
    ListSchedulesResponse.Builder response = ListSchedulesResponse.newBuilder();
    int added = 0;
    String last = "";
    for (ScheduleState state : states) {
      if (state.deleted() || state.id().compareTo(pageToken) <= 0) {
        continue;
      }
      if (added == size) {
        response.setNextPageToken(last);
        break;
      }
      response.addSchedules(schedule(state, now, 1));
      last = state.id();
      added++;
    }
    return response.build();
  }

  private static int count(int asked, int otherwise) {
    if (asked < 0) {
      throw new IllegalArgumentException("a count must not be negative, got " + asked);
    }
    return asked == 0 ? otherwise : Math.min(asked, MAX_COUNT);
  }
}
