package dev.cairn.cli.command;

import com.google.protobuf.ByteString;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.v1.Attempt;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.Run;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * What {@code cairn run} prints after a failed run: the last lines each failed step printed, and
 * the {@code cairn logs} command that shows the rest, so the cause is on screen without a second
 * command.
 */
final class FailedOutput {
  /** Lines of each failed step's output shown. */
  static final int LINES = 10;

  /** The most output read back to find those lines. */
  private static final long TAIL_BYTES = 16 * 1024;

  private FailedOutput() {}

  static void print(CairnClient client, String runId, List<String> failedSteps, PrintWriter out) {
    Optional<Run> run = fetch(client, runId);
    for (String stepId : failedSteps) {
      Optional<Attempt> attempt =
          run.flatMap(
              r ->
                  r.getStepsList().stream()
                      .filter(step -> step.getStepId().equals(stepId))
                      .findFirst()
                      .filter(step -> step.getAttemptsCount() > 0)
                      .map(step -> step.getAttempts(step.getAttemptsCount() - 1)));
      if (attempt.isEmpty()) {
        out.println("output of " + stepId + ": cairn logs " + runId + " " + stepId);
        continue;
      }
      int number = attempt.get().getNumber();
      List<String> lines = lastLines(client, runId, stepId, attempt.get());
      out.println(
          "--- "
              + stepId
              + " (attempt "
              + number
              + ")"
              + switch (lines.size()) {
                case 0 -> ": no output";
                case 1 -> ": last line of output";
                default -> ": last " + lines.size() + " lines of output";
              });
      lines.forEach(line -> out.println("  " + line));
      out.println("all of it: cairn logs " + runId + " " + stepId + " --attempt " + number);
    }
    out.flush();
  }

  private static Optional<Run> fetch(CairnClient client, String runId) {
    try {
      return Optional.of(
          client.unary().getRun(GetRunRequest.newBuilder().setRunId(runId).build()).getRun());
    } catch (StatusRuntimeException e) {
      // The hint alone still says where the output is.
      return Optional.empty();
    }
  }

  private static List<String> lastLines(
      CairnClient client, String runId, String stepId, Attempt attempt) {
    long offset = Math.max(0, attempt.getOutputBytes() - TAIL_BYTES);
    ByteString.Output read = ByteString.newOutput();
    try {
      Iterator<StreamLogsResponse> chunks =
          client
              .streaming()
              .streamLogs(
                  StreamLogsRequest.newBuilder()
                      .setRunId(runId)
                      .setStepId(stepId)
                      .setAttempt(attempt.getNumber())
                      .setOffset(offset)
                      .build());
      while (chunks.hasNext()) {
        chunks.next().getData().writeTo(read);
      }
    } catch (StatusRuntimeException | java.io.IOException e) {
      return List.of();
    }
    List<String> lines = read.toByteString().toString(StandardCharsets.UTF_8).lines().toList();
    if (offset > 0 && !lines.isEmpty()) {
      // The first line read may be the end of a longer one.
      lines = lines.subList(1, lines.size());
    }
    return lines.subList(Math.max(0, lines.size() - LINES), lines.size());
  }
}
