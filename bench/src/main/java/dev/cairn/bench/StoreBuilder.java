package dev.cairn.bench;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.cairn.server.store.sqlite.SqliteEventStore;
import dev.cairn.v1.Argv;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.RunSucceeded;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StepSucceeded;
import dev.cairn.v1.WorkflowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a large store through {@link SqliteEventStore}, one run per transaction, for the replay
 * benchmark. Runs in its own JVM on the server's class path.
 *
 * <p>Each run is a chain of {@code true} steps, each started and succeeded. With {@code
 * unfinished}, the last step of every run is started and never finishes, under a pid above the
 * kernel's pid_max, so a server starting on the store must recover every run.
 *
 * <p>Usage: {@code StoreBuilder DATA_DIR RUNS STEPS_PER_RUN finished|unfinished}
 */
public final class StoreBuilder {
  /** Above any pid_max Linux allows (2^22), so no live process is ever taken for a step. */
  static final long ABSENT_PID = 99_999_999L;

  private StoreBuilder() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    boolean unfinished = args[3].equals("unfinished");
    Files.createDirectories(
        dataDir,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    WorkflowSpec spec = chainSpec(steps);
    long events = 0;
    try (SqliteEventStore store = SqliteEventStore.open(dataDir.resolve("cairn.db"))) {
      for (int run = 0; run < runs; run++) {
        events +=
            store.append(runEvents(String.format("bench-%07d", run), spec, unfinished)).size();
      }
    }
    System.out.println(events);
  }

  private static WorkflowSpec chainSpec(int steps) {
    WorkflowSpec.Builder spec = WorkflowSpec.newBuilder().setName("bench-replay");
    for (int i = 0; i < steps; i++) {
      StepSpec.Builder step =
          StepSpec.newBuilder().setId("s" + i).setArgv(Argv.newBuilder().addArgs("true"));
      if (i > 0) {
        step.addDependsOn("s" + (i - 1));
      }
      spec.addSteps(step);
    }
    return spec.build();
  }

  private static List<Event> runEvents(String runId, WorkflowSpec spec, boolean unfinished) {
    Instant now = Instant.now();
    Timestamp time =
        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    List<Event> events = new ArrayList<>();
    events.add(event(runId, time).setRunSubmitted(RunSubmitted.newBuilder().setSpec(spec)).build());
    int steps = spec.getStepsCount();
    for (int i = 0; i < steps; i++) {
      String step = "s" + i;
      events.add(
          event(runId, time)
              .setStepStarted(
                  StepStarted.newBuilder()
                      .setStepId(step)
                      .setAttempt(1)
                      .setPid(ABSENT_PID)
                      .setPgid(ABSENT_PID)
                      .setProcessStartTicks(1)
                      .setMarker("bench/" + runId + "/" + step + "/1/")
                      .setOutputPath("runs/" + runId + "/" + step + ".1.log"))
              .build());
      if (unfinished && i == steps - 1) {
        return numbered(events);
      }
      events.add(
          event(runId, time)
              .setStepSucceeded(
                  StepSucceeded.newBuilder()
                      .setStepId(step)
                      .setAttempt(1)
                      .setDuration(Duration.newBuilder().setNanos(500_000)))
              .build());
    }
    events.add(event(runId, time).setRunSucceeded(RunSucceeded.getDefaultInstance()).build());
    return numbered(events);
  }

  // The store checks that each run's sequence continues from 1, so the writer numbers it.
  private static List<Event> numbered(List<Event> events) {
    List<Event> numbered = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      numbered.add(events.get(i).toBuilder().setRunSeq(i + 1).build());
    }
    return numbered;
  }

  private static Event.Builder event(String runId, Timestamp time) {
    return Event.newBuilder().setRunId(runId).setTime(time);
  }
}
