package dev.cairn.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.cairn.cli.CliHarness;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.TestServer;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.client.ChannelFactory;
import dev.cairn.cli.client.EventFollower;
import dev.cairn.cli.client.ServerAddress;
import dev.cairn.v1.Attempt;
import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.GetRunResponse;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunCancelled;
import dev.cairn.v1.RunFailed;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.RunSubmitted;
import dev.cairn.v1.StepFailed;
import dev.cairn.v1.StepRun;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.StepStarted;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn run} and {@code cairn events} against a server whose event stream drops. */
class RunCommandTest {
  @TempDir Path dir;

  private static Event event(long runSeq) {
    return Event.newBuilder()
        .setRunId("r1")
        .setRunSeq(runSeq)
        .setGlobalSeq(1000 + runSeq)
        .setTime(Timestamp.newBuilder().setSeconds(1_767_323_045L + runSeq))
        .build();
  }

  /** The five events of a run whose one step fails. */
  private static List<Event> failingRun() {
    return List.of(
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
        event(4).toBuilder()
            .setStepStarted(StepStarted.newBuilder().setStepId("a").setAttempt(2).setPid(42))
            .build(),
        event(5).toBuilder().setRunFailed(RunFailed.newBuilder().addFailedStepIds("a")).build());
  }

  /**
   * Serves the given events; the first stream drops with UNAVAILABLE after {@code dropAfter}
   * events, and a resumed stream starts one event early to check that the client drops repeats.
   */
  private static class DroppingService extends RunServiceGrpc.RunServiceImplBase {
    final List<WatchEventsRequest> watches = new CopyOnWriteArrayList<>();
    private final List<Event> events;
    private final int dropAfter;
    private final Status drop;

    DroppingService(List<Event> events, int dropAfter) {
      this(events, dropAfter, Status.UNAVAILABLE.withDescription("server going away"));
    }

    DroppingService(List<Event> events, int dropAfter, Status drop) {
      this.events = events;
      this.dropAfter = dropAfter;
      this.drop = drop;
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
      boolean first = watches.size() == 1;
      long base = request.getRunId().isEmpty() ? 1000 : 0;
      int from = (int) Math.max(0, request.getAfterSeq() - base - (first ? 0 : 1));
      int to = first ? dropAfter : events.size();
      for (Event event : events.subList(from, to)) {
        responses.onNext(WatchEventsResponse.newBuilder().setEvent(event).build());
      }
      if (first) {
        responses.onError(drop.asRuntimeException());
      } else {
        responses.onCompleted();
      }
    }
  }

  /** A failing run whose step printed fifteen lines: the run's end shows the last ten. */
  private static final class FailedWithOutput extends DroppingService {
    final List<StreamLogsRequest> logs = new CopyOnWriteArrayList<>();

    FailedWithOutput() {
      super(failingRun(), 5);
    }

    @Override
    public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
      Run run =
          Run.newBuilder()
              .setRunId("r1")
              .addSteps(
                  StepRun.newBuilder()
                      .setStepId("a")
                      .addAttempts(Attempt.newBuilder().setNumber(1))
                      .addAttempts(
                          Attempt.newBuilder().setNumber(2).setOutputBytes(OUTPUT.length())))
              .build();
      responses.onNext(GetRunResponse.newBuilder().setRun(run).build());
      responses.onCompleted();
    }

    @Override
    public void streamLogs(
        StreamLogsRequest request, StreamObserver<StreamLogsResponse> responses) {
      logs.add(request);
      responses.onNext(
          StreamLogsResponse.newBuilder()
              .setData(ByteString.copyFromUtf8(OUTPUT.substring((int) request.getOffset())))
              .build());
      responses.onCompleted();
    }
  }

  private static final String OUTPUT =
      "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\n"
          + "line 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\nerror: disk on fire\n";

  @Test
  void aFailedRunEndsWithTheLastLinesOfEachFailedStepAndTheLogsCommand() throws Exception {
    FailedWithOutput service = new FailedWithOutput();
    try (TestServer server = new TestServer(service)) {
      CliHarness.Result result =
          new CliHarness(Map.of("CAIRN_SERVER", server.address(), "CAIRN_TOKEN", "t"))
              .execute("run", workflow().toString());

      assertThat(result.exit()).isEqualTo(ExitCodes.RUN_FAILED);
      List<String> lines = result.out().lines().toList();
      assertThat(lines.subList(lines.indexOf("run r1 FAILED"), lines.size()))
          .containsExactly(
              "run r1 FAILED",
              "--- a (attempt 2): last 10 lines of output",
              "  line 6",
              "  line 7",
              "  line 8",
              "  line 9",
              "  line 10",
              "  line 11",
              "  line 12",
              "  line 13",
              "  line 14",
              "  error: disk on fire",
              "all of it: cairn logs r1 a --attempt 2");
      assertThat(service.logs).extracting(StreamLogsRequest::getAttempt).containsExactly(2);
    }
  }

  private Path workflow() throws Exception {
    Path file = dir.resolve("flow.yaml");
    Files.writeString(file, "steps:\n  - {id: a, run: 'false'}\n");
    return file;
  }

  @Test
  void runResumesAfterADropWithoutRepeatingOrLosingEvents() throws Exception {
    DroppingService service = new DroppingService(failingRun(), 3);
    try (TestServer server = new TestServer(service)) {
      CliHarness.Result result =
          new CliHarness(Map.of("CAIRN_SERVER", server.address(), "CAIRN_TOKEN", "t"))
              .execute("run", workflow().toString());

      assertThat(result.exit()).isEqualTo(ExitCodes.RUN_FAILED);
      assertThat(service.watches)
          .extracting(WatchEventsRequest::getAfterSeq)
          .containsExactly(0L, 3L);
      assertThat(service.watches).allSatisfy(watch -> assertThat(watch.getFollow()).isTrue());
      assertThat(result.out().lines().toList())
          .containsExactly(
              "submitted run r1",
              "03:04:06.000 1 - run submitted: flow, 1 step",
              "03:04:07.000 2 a started attempt 1 (pid 41)",
              "03:04:08.000 3 a failed: exit code 1 (attempt 1, 0ms)",
              "03:04:09.000 4 a started attempt 2 (pid 42)",
              "03:04:10.000 5 - run failed: a failed",
              "run r1 FAILED",
              "output of a: cairn logs r1 a");
      assertThat(result.err()).contains("lost; reconnecting").hasLineCount(1);
      assertThat(server.authorizations()).containsOnly("Bearer t");
    }
  }

  @Test
  void runResumesAWatcherTheServerEndedForFallingBehind() throws Exception {
    DroppingService service =
        new DroppingService(
            failingRun(),
            2,
            Status.ABORTED.withDescription(
                "this watcher fell more than 32 MiB of events behind and was ended; resume with"
                    + " after_seq=2"));
    try (TestServer server = new TestServer(service)) {
      CliHarness.Result result =
          new CliHarness(Map.of("CAIRN_SERVER", server.address(), "CAIRN_TOKEN", "t"))
              .execute("run", workflow().toString());

      assertThat(result.exit()).isEqualTo(ExitCodes.RUN_FAILED);
      assertThat(service.watches)
          .extracting(WatchEventsRequest::getAfterSeq)
          .containsExactly(0L, 2L);
      assertThat(result.out().lines().toList())
          .containsExactly(
              "submitted run r1",
              "03:04:06.000 1 - run submitted: flow, 1 step",
              "03:04:07.000 2 a started attempt 1 (pid 41)",
              "03:04:08.000 3 a failed: exit code 1 (attempt 1, 0ms)",
              "03:04:09.000 4 a started attempt 2 (pid 42)",
              "03:04:10.000 5 - run failed: a failed",
              "run r1 FAILED",
              "output of a: cairn logs r1 a");
      assertThat(result.err()).contains("fell behind").contains("resuming after 2").hasLineCount(1);
    }
  }

  @Test
  void onATerminalRunRedrawsAStepTableInPlace() throws Exception {
    DroppingService service = new DroppingService(failingRun(), 5);
    try (TestServer server = new TestServer(service)) {
      CliHarness.Result result =
          new CliHarness(Map.of("CAIRN_SERVER", server.address()), true)
              .execute("run", workflow().toString());

      assertThat(result.exit()).isEqualTo(ExitCodes.RUN_FAILED);
      String[] frames = result.out().split("\u001b\\[J");
      // One frame per event, each drawn after moving the cursor back over the previous one.
      assertThat(frames).hasSizeGreaterThanOrEqualTo(failingRun().size() + 1);
      assertThat(result.out()).contains("\u001b[3A");
      String last = frames[frames.length - 1];
      assertThat(last.lines().toList())
          .startsWith(
              "run flow: failed",
              "STEP  STATUS   ATTEMPT  DURATION  NOTE",
              "a     running  2        1.0s      pid 42");
      assertThat(last).endsWith("run r1 FAILED\noutput of a: cairn logs r1 a\n");
    }
  }

  @Test
  void runAsJsonPrintsOneEventPerLineAndExitsThreeWhenCancelled() throws Exception {
    List<Event> events = new ArrayList<>(failingRun().subList(0, 2));
    events.add(event(3).toBuilder().setRunCancelled(RunCancelled.getDefaultInstance()).build());
    DroppingService service = new DroppingService(events, 1);
    try (TestServer server = new TestServer(service)) {
      CliHarness.Result result =
          new CliHarness(Map.of("CAIRN_SERVER", server.address()))
              .execute("run", workflow().toString(), "-o", "json");

      assertThat(result.exit()).isEqualTo(ExitCodes.RUN_CANCELLED);
      List<Event> printed = new ArrayList<>();
      for (String line : result.out().lines().toList()) {
        Event.Builder parsed = Event.newBuilder();
        JsonFormat.parser().merge(line, parsed);
        printed.add(parsed.build());
      }
      assertThat(printed).containsExactlyElementsOf(events);
    }
  }

  @Test
  void eventsWithoutFollowPrintsTheStoredEventsAndStops() throws Exception {
    RunServiceGrpc.RunServiceImplBase stored =
        new RunServiceGrpc.RunServiceImplBase() {
          @Override
          public void watchEvents(
              WatchEventsRequest request, StreamObserver<WatchEventsResponse> responses) {
            for (Event event : failingRun().subList((int) request.getAfterSeq(), 3)) {
              responses.onNext(WatchEventsResponse.newBuilder().setEvent(event).build());
            }
            responses.onCompleted();
          }
        };
    try (TestServer server = new TestServer(stored)) {
      CliHarness.Result result =
          new CliHarness(Map.of("CAIRN_SERVER", server.address()))
              .execute("events", "r1", "--after", "1");

      assertThat(result.exit()).isZero();
      assertThat(result.out().lines().toList())
          .containsExactly(
              "03:04:07.000 2 a started attempt 1 (pid 41)",
              "03:04:08.000 3 a failed: exit code 1 (attempt 1, 0ms)");
    }
  }

  @Test
  void followingAllRunsResumesByGlobalSequenceUntilDetached() throws Exception {
    DroppingService service = new DroppingService(failingRun(), 2);
    List<Long> seen = new CopyOnWriteArrayList<>();
    List<String> notices = new CopyOnWriteArrayList<>();
    try (TestServer server = new TestServer(service);
        CairnClient client =
            new CairnClient(
                ChannelFactory.netty().open(ServerAddress.parse(server.address()), false),
                ServerAddress.parse(server.address()),
                Optional.empty())) {
      EventFollower follower = new EventFollower(client, "", true, notices::add);

      // The all-runs stream never ends by itself: the sink detaches once it has every event.
      EventFollower.Outcome outcome =
          follower.stream(
              0,
              false,
              event -> {
                seen.add(event.getGlobalSeq());
                if (seen.size() == failingRun().size()) {
                  follower.detach();
                }
              });

      assertThat(outcome.detached()).isTrue();
      assertThat(outcome.lastSeq()).isEqualTo(1005L);
      assertThat(seen).containsExactly(1001L, 1002L, 1003L, 1004L, 1005L);
      assertThat(service.watches).extracting(WatchEventsRequest::getAfterSeq).startsWith(0L, 1002L);
      assertThat(notices).isNotEmpty();
    }
  }

  @Test
  void aFirstConnectionThatFailsIsReportedNotRetried() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CliHarness.Result result =
        new CliHarness(Map.of("CAIRN_SERVER", "127.0.0.1:" + port)).execute("events", "--follow");

    assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err()).startsWith("cairn: cannot reach the server").hasLineCount(1);
  }
}
