package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.Names;
import dev.cairn.cli.render.TextTable;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.ListRunsResponse;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.RunSummary;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn list}: runs, newest first, across as many pages as the limit needs. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
public final class ListCommand extends ClientCommand {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Option(
      names = "--status",
      paramLabel = "S",
      split = ",",
      converter = RunStatusConverter.class,
      description =
          "Only runs in this status (running, cancelling, succeeded, failed, cancelled);"
              + " repeatable.")
  List<RunStatus> statuses = new ArrayList<>();

  @Option(names = "--name", paramLabel = "N", description = "Only runs of this workflow name.")
  String name = "";

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "Only runs carrying this label; repeatable (all must match).")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most this many runs (default: ${DEFAULT-VALUE}).")
  int limit = 20;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new CliException(ExitCodes.BAD_INPUT, "--limit must be at least 1");
    }
    List<RunSummary> runs = new ArrayList<>();
    try (CairnClient client = connect()) {
      String pageToken = "";
      do {
        ListRunsResponse page =
            client
                .unary()
                .listRuns(
                    ListRunsRequest.newBuilder()
                        .setPageSize(Math.min(limit - runs.size(), 1000))
                        .setPageToken(pageToken)
                        .addAllStatuses(statuses)
                        .setName(name)
                        .putAllLabels(NameValues.of(labels, "--label"))
                        .build());
        runs.addAll(
            page.getRunsList().subList(0, Math.min(page.getRunsCount(), limit - runs.size())));
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty() && runs.size() < limit);
    }
    if (output.json()) {
      runs.forEach(run -> out().println(Json.line(run)));
      return ExitCodes.OK;
    }
    // The columns of labels and rerun links only when a listed run has one, so that the usual
    // list stays as narrow as it was.
    boolean anyLabels = runs.stream().anyMatch(run -> run.getLabelsCount() > 0);
    boolean anyReruns = runs.stream().anyMatch(run -> !run.getRerunOf().isEmpty());
    List<String> headers = new ArrayList<>(List.of("RUN", "NAME", "STATUS", "SUBMITTED", "ENDED"));
    if (anyReruns) {
      headers.add("RERUN OF");
    }
    if (anyLabels) {
      headers.add("LABELS");
    }
    TextTable table = new TextTable(headers.toArray(String[]::new));
    DateTimeFormatter time = TIME.withZone(context().zone());
    for (RunSummary run : runs) {
      List<String> cells =
          new ArrayList<>(
              List.of(
                  run.getRunId(),
                  run.getName(),
                  Names.of(run.getStatus()),
                  run.hasCreateTime() ? time.format(instant(run.getCreateTime())) : "-",
                  run.hasEndTime() ? time.format(instant(run.getEndTime())) : "-"));
      if (anyReruns) {
        cells.add(run.getRerunOf().isEmpty() ? "-" : run.getRerunOf());
      }
      if (anyLabels) {
        List<String> pairs = new ArrayList<>();
        new TreeMap<>(run.getLabelsMap()).forEach((key, value) -> pairs.add(key + "=" + value));
        cells.add(String.join(",", pairs));
      }
      table.row(cells.toArray(String[]::new));
    }
    table.lines().forEach(out()::println);
    return ExitCodes.OK;
  }

  private static java.time.Instant instant(com.google.protobuf.Timestamp timestamp) {
    return java.time.Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
