package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import dev.cairn.v1.Event;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.WatchEventsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The edges of WatchEvents' resume point, and StreamLogs following a file, on a real server whose
 * streams hold no thread while they wait.
 */
class WatchBoundsIT extends SharedServer {

  @Test
  void aFinishedRunWatchedFromItsLastEventOrBeyondEndsAtOnce() {
    String runId = runs.submit(workflow("ended", shell("s", "true")));
    List<Event> events = runs.follow(runId);
    long last = events.get(events.size() - 1).getRunSeq();
    for (long afterSeq : new long[] {last, last + 1, last + 1_000, Long.MAX_VALUE}) {
      Iterator<?> stream =
          server
              .stub()
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .watchEvents(
                  WatchEventsRequest.newBuilder()
                      .setRunId(runId)
                      .setAfterSeq(afterSeq)
                      .setFollow(true)
                      .build());
      assertThat(stream.hasNext()).as("after_seq %d", afterSeq).isFalse();
    }
    // From the one before the last, the stream sends the terminal event and ends.
    List<Event> tail = new ArrayList<>();
    server
        .stub()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .watchEvents(
            WatchEventsRequest.newBuilder()
                .setRunId(runId)
                .setAfterSeq(last - 1)
                .setFollow(true)
                .build())
        .forEachRemaining(response -> tail.add(response.getEvent()));
    assertThat(tail).containsExactly(events.get(events.size() - 1));
  }

  @Test
  void anAfterSeqBeyondSigned64BitsIsInvalidArgumentNamingIt() {
    // 2^63 and 2^64-1 on the wire: a uint64 that Java reads as negative.
    for (long afterSeq : new long[] {Long.MIN_VALUE, -1}) {
      StatusRuntimeException error =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  server
                      .stub()
                      .watchEvents(
                          WatchEventsRequest.newBuilder()
                              .setAfterSeq(afterSeq)
                              .setFollow(true)
                              .build())
                      .hasNext());
      assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(error.getStatus().getDescription())
          .contains("after_seq " + Long.toUnsignedString(afterSeq));
      ErrorInfo info = ErrorInfos.of(error);
      assertThat(info.getMetadataMap()).containsEntry("field", "after_seq");
    }
  }

  @Test
  void streamLogsFollowsAGrowingFileToTheAttemptsEnd() {
    String runId =
        runs.submit(
            workflow(
                "logs",
                shell("talk", "for i in 1 2 3; do echo line$i; sleep 0.3; done; echo end")));
    // Logs of an attempt that has not started are refused: follow once it has.
    runs.awaitStatus(runId, run -> run.getSteps(0).getAttemptsCount() == 1, Duration.ofSeconds(30));
    ByteArrayOutputStream followed = new ByteArrayOutputStream();
    server
        .stub()
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .streamLogs(
            StreamLogsRequest.newBuilder()
                .setRunId(runId)
                .setStepId("talk")
                .setFollow(true)
                .build())
        .forEachRemaining(response -> write(followed, 0, response));
    String expected = "line1\nline2\nline3\nend\n";
    assertThat(followed.toString(StandardCharsets.UTF_8)).isEqualTo(expected);

    ByteArrayOutputStream fromOffset = new ByteArrayOutputStream();
    server
        .stub()
        .streamLogs(
            StreamLogsRequest.newBuilder().setRunId(runId).setStepId("talk").setOffset(6).build())
        .forEachRemaining(response -> write(fromOffset, 6, response));
    assertThat(fromOffset.toString(StandardCharsets.UTF_8)).isEqualTo(expected.substring(6));
  }

  /** Appends a chunk, checking that it starts where the previous one ended. */
  private static void write(ByteArrayOutputStream out, long base, StreamLogsResponse response) {
    assertThat(response.getOffset()).isEqualTo(base + out.size());
    out.writeBytes(response.getData().toByteArray());
  }
}
