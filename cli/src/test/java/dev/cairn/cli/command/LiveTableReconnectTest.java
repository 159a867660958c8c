package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.TestServer;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunFailed;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.stub.StreamObserver;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live table of {@code cairn run} on a terminal while its server restarts. */
class LiveTableReconnectTest {
  private static final Pattern CURSOR_UP = Pattern.compile("\u001b\\[(\\d+)A\r$");

  @TempDir Path dir;

  private static Event event(long runSeq) {
    return Event.newBuilder()
        .setRunId("r1")
        .setRunSeq(runSeq)
        .setGlobalSeq(1000 + runSeq)
        .setTime(Timestamp.newBuilder().setSeconds(1_767_323_045L + runSeq))
        .build();
  }

  private static final List<Event> RUN =
      List.of(
          event(1).toBuilder()
              .setRunSubmitted(
                  RunSubmitted.newBuilder()
                      .setSpec(
                          WorkflowSpec.newBuilder()
                              .setName("flow")
                              .addSteps(StepSpec.newBuilder().setId("a").setRun("false"))))
              .build(),
          event(2).toBuilder()
              .setStepStarted(StepStarted.newBuilder().setStepId("a").setAttempt(1).setPid(41))
              .build(),
          event(3).toBuilder()
              .setStepFailed(
                  StepFailed.newBuilder()
                      .setStepId("a")
                      .setAttempt(1)
                      .setReason(dev.cairn.v1.FailureReason.FAILURE_REASON_EXIT_CODE)
                      .setExitCode(1))
              .build(),
          event(4).toBuilder().setRunFailed(RunFailed.newBuilder().addFailedStepIds("a")).build());

  /**
   * Before the restart: serves the first two events and holds the stream open, as a server does for
   * a running step. After it: serves the rest from where the client resumes.
   */
  private static final class Service extends RunServiceGrpc.RunServiceImplBase {
    final List<WatchEventsRequest> watches = new CopyOnWriteArrayList<>();
    final List<Long> watchTimes = new CopyOnWriteArrayList<>();
    final CountDownLatch holding = new CountDownLatch(1);
    private final boolean restarted;

    Service(boolean restarted) {
      this.restarted = restarted;
    }

    @Override
    public void submitRun(SubmitRunRequest request, StreamObserver<SubmitRunResponse> responses) {
      responses.onNext(SubmitRunResponse.newBuilder().setRunId("r1").build());
      responses.onCompleted();
    }

    @Override
    public void watchEvents(
        WatchEventsRequest request, StreamObserver<WatchEventsResponse> responses) {
      watches.add(request);
      watchTimes.add(System.nanoTime());
      int from = (int) request.getAfterSeq();
      for (Event event : RUN.subList(from, restarted ? RUN.size() : 2)) {
        responses.onNext(WatchEventsResponse.newBuilder().setEvent(event).build());
      }
      if (restarted) {
        responses.onCompleted();
      } else {
        holding.countDown();
      }
    }
  }

  @Test
  void aRestartShowsInTheTitleAndTheTableIsCurrentSoonAfterTheServerIsBack() throws Exception {
    Path file = dir.resolve("flow.yaml");
    Files.writeString(file, "steps:\n  - {id: a, run: 'false'}\n");
    Service before = new Service(false);
    TestServer first = new TestServer(before);
    int port = first.port();
    StringWriter out = new StringWriter();
    CliHarness cli = new CliHarness(Map.of("CAIRN_SERVER", "127.0.0.1:" + port), true);
    CompletableFuture<CliHarness.Result> running =
        CompletableFuture.supplyAsync(() -> cli.execute(out, "run", file.toString()));
    Service after = new Service(true);
    try {
      assertThat(before.holding.await(10, TimeUnit.SECONDS)).isTrue();
      first.close();
      // The client keeps trying, each attempt shown in the title in place. By the sixth the
      // backoff has reached its cap; uncapped, the next wait would be over three seconds and the
      // resume below would come too late.
      awaitTrue(() -> out.toString().contains("connection lost, reconnecting (attempt 6)..."), out);
      long ready;
      try (TestServer second = new TestServer(after, port)) {
        ready = System.nanoTime();
        CliHarness.Result result = running.get(20, TimeUnit.SECONDS);

        assertThat(result.exit()).isEqualTo(ExitCodes.RUN_FAILED);
      }
      assertThat(after.watches).extracting(WatchEventsRequest::getAfterSeq).containsExactly(2L);
      long resumedAfterMillis = TimeUnit.NANOSECONDS.toMillis(after.watchTimes.get(0) - ready);
      assertThat(resumedAfterMillis).isLessThan(2000);

      String screen = out.toString();
      List<String> frames = frames(screen);
      String last = frames.get(frames.size() - 1);
      assertThat(last.lines().toList())
          .startsWith(
              "run flow: failed",
              "STEP  STATUS  ATTEMPT  DURATION  NOTE",
              "a     failed  1        0ms       exit code 1");
      assertThat(last).doesNotContain("connection lost");
      assertThat(frames)
          .anySatisfy(
              frame ->
                  assertThat(frame)
                      .startsWith("run flow: running - connection lost, reconnecting (attempt 1)"));
      assertNoStaleLines(screen);
    } finally {
      first.close();
      running.cancel(true);
    }
  }

  /** Each frame's text, without the cursor movement that precedes the next frame. */
  private static List<String> frames(String screen) {
    List<String> frames = new ArrayList<>();
    String[] chunks = screen.split("\u001b\\[J", -1);
    for (int i = 1; i < chunks.length; i++) {
      frames.add(CURSOR_UP.matcher(chunks[i]).replaceAll(""));
    }
    return frames;
  }

  /**
   * Every redraw moves the cursor up by exactly the lines drawn before it, so no old line is left
   * on screen: nothing else was printed between two frames.
   */
  private static void assertNoStaleLines(String screen) {
    String[] chunks = screen.split("\u001b\\[J", -1);
    for (int i = 1; i < chunks.length - 1; i++) {
      Matcher up = CURSOR_UP.matcher(chunks[i]);
      assertThat(up.find()).as("frame %d ends by moving back over itself", i).isTrue();
      long drawn = chunks[i].substring(0, up.start()).chars().filter(c -> c == '\n').count();
      assertThat(Long.parseLong(up.group(1)))
          .as("lines moved up over frame %d", i)
          .isEqualTo(drawn);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, StringWriter screen)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime())
          .as("condition within 15 s; the screen so far:%n%s", screen)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
