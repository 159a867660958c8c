package dev.cairn.cli.command;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ClientCommand;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.OutputOptions;
import dev.cairn.cli.client.CairnClient;
import dev.cairn.cli.render.Json;
import dev.cairn.cli.render.ScheduleText;
import dev.cairn.cli.workflow.LocalWorkflow;
import dev.cairn.v1.CreateScheduleRequest;
import dev.cairn.v1.CreateScheduleResponse;
import dev.cairn.v1.OverlapPolicy;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.workflow.GoDuration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn schedule create ID FILE --cron EXPR}: records a new schedule. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a schedule that runs a workflow file at the times a cron expression names.",
      "The server keeps the parsed workflow: later edits of the file do not change the schedule.",
      "",
      "Examples:",
      "  cairn schedule create nightly build.yaml --cron '0 3 * * *' --zone Europe/Berlin",
      "  cairn schedule create beat check.yaml --cron '*/10 * * * * *' --overlap skip"
          + " --catch-up 1m",
      "  cairn schedule create report report.yaml --cron '0 8 * * MON' -p env=prod --paused"
    })
public final class ScheduleCreateCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "ID",
      description = "The schedule's id (A-Z a-z 0-9 . _ -).")
  String id;

  @Parameters(index = "1", paramLabel = "FILE", description = "The workflow file (YAML).")
  Path file;

  @Option(
      names = "--cron",
      required = true,
      paramLabel = "EXPR",
      description =
          "When to run: 5 fields (minute hour day month weekday) or 6 with seconds first.")
  String cron;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "The IANA time zone the expression is read in (default: UTC).")
  String zone = "";

  @Option(
      names = "--overlap",
      paramLabel = "POLICY",
      description =
          "While the previous run has not ended: skip (default), buffer-one, allow-all or"
              + " cancel-previous.")
  String overlap = "skip";

  @Option(
      names = "--catch-up",
      paramLabel = "DURATION",
      description =
          "After downtime, how late a time may still start its run, such as 30s, 5m or 0"
              + " (default: 1m); older times are recorded as missed.")
  String catchUp;

  @Option(
      names = {"-p", "--param"},
      paramLabel = "NAME=VALUE",
      description = "A value of one of the workflow's parameters, for every run; repeatable.")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "A label for every run, over the workflow's own; repeatable.")
  List<String> labels = new ArrayList<>();

  @Option(names = "--paused", description = "Create it paused: it fires once resumed.")
  boolean paused;

  @Mixin OutputOptions output;

  @Override
  public boolean jsonOutput() {
    return output.json();
  }

  @Override
  public Integer call() throws Exception {
    LocalWorkflow workflow = LocalWorkflow.read(file);
    workflow.parse();
    SubmitRunRequest text = workflow.request().build();
    CreateScheduleRequest.Builder request =
        CreateScheduleRequest.newBuilder()
            .setScheduleId(id)
            .setWorkflowYaml(text.getWorkflowYaml())
            .setBaseDir(text.getBaseDir())
            .setCron(cron)
            .setTimeZone(zone)
            .putAllParams(NameValues.of(params, "--param"))
            .putAllLabels(NameValues.of(labels, "--label"))
            .setOverlapPolicy(overlap(overlap))
            .setPaused(paused);
    if (catchUp != null) {
      com.google.protobuf.Duration window =
          "0".equals(catchUp.trim())
              ? com.google.protobuf.Duration.getDefaultInstance()
              : GoDuration.parse(catchUp)
                  .orElseThrow(
                      () ->
                          new CliException(
                              ExitCodes.BAD_INPUT,
                              "--catch-up '" + catchUp + "' is not a duration (such as 30s, 5m)"));
      request.setCatchUpWindow(window);
    }
    CreateScheduleResponse response;
    try (CairnClient client = connect()) {
      response = client.schedules().createSchedule(request.build());
    }
    if (output.json()) {
      out().println(Json.line(response));
    } else {
      out().println("schedule " + id + " created");
      ScheduleText.summary(response.getSchedule(), context().zone()).forEach(out()::println);
    }
    return ExitCodes.OK;
  }

  static OverlapPolicy overlap(String word) {
    return switch (word.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "skip" -> OverlapPolicy.OVERLAP_POLICY_SKIP;
      case "buffer-one", "buffer_one" -> OverlapPolicy.OVERLAP_POLICY_BUFFER_ONE;
      case "allow-all", "allow_all" -> OverlapPolicy.OVERLAP_POLICY_ALLOW_ALL;
      case "cancel-previous", "cancel_previous" -> OverlapPolicy.OVERLAP_POLICY_CANCEL_PREVIOUS;
      default ->
          throw new CliException(
              ExitCodes.BAD_INPUT,
              "--overlap '"
                  + word
                  + "' is not a policy: use skip, buffer-one, allow-all or cancel-previous");
    };
  }
}
