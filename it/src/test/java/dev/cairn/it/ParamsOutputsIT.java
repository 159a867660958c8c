package dev.cairn.it;

import static dev.cairn.it.RunFeatures.cli;
import static dev.cairn.it.RunFeatures.file;
import static dev.cairn.it.RunFeatures.runId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.FailureReason;
import dev.cairn.v1.Run;
import dev.cairn.v1.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters reach steps byte for byte and never as code; outputs flow downstream and persist. */
class ParamsOutputsIT {
  @TempDir Path dataDir;
  @TempDir Path work;

  @Test
  void parametersAreCheckedAtSubmitAndReachStepsAsData() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      Path got = work.resolve("got");
      Path file =
          file(
              work,
              "params.yaml",
              """
              name: params
              params:
                - name: target
                - name: mode
                  default: fast
              steps:
                - id: show
                  run: printf '%%s|%%s' "$CAIRN_PARAM_target" "$CAIRN_PARAM_mode" > '%s'
              """
                  .formatted(got));
      int eventsBefore = runs.all().size();
      RunFeatures.Result missing = cli(server, dataDir, "run", file.toString());
      assertThat(missing.exitCode()).isEqualTo(2);
      assertThat(missing.err()).contains("'target'");
      RunFeatures.Result unknown =
          cli(server, dataDir, "run", file.toString(), "-p", "target=x", "-p", "tagret=y");
      assertThat(unknown.exitCode()).isEqualTo(2);
      assertThat(unknown.err()).contains("'tagret'");
      assertThat(runs.all()).hasSize(eventsBefore);

      Path touched = work.resolve("x");
      String hostile = "$(touch " + touched + "); \"'`id`";
      RunFeatures.Result ran =
          cli(server, dataDir, "run", file.toString(), "-p", "target=" + hostile);
      assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
      assertThat(Files.readString(got, StandardCharsets.UTF_8)).isEqualTo(hostile + "|fast");
      assertThat(touched).doesNotExist();
      Run run = runs.get(runId(ran));
      assertThat(run.getParamsMap()).containsEntry("target", hostile).containsEntry("mode", "fast");
    } finally {
      server.close();
    }
  }

  @Test
  void outputsFlowDownTheChainAreCappedAndSurviveARestart() throws Exception {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      Runs runs = new Runs(server);
      Path chain =
          file(
              work,
              "chain.yaml",
              """
              name: chain
              steps:
                - id: a
                  run: |
                    echo "version=1.2.3" >> "$CAIRN_OUTPUT"
                    printf 'notes<<EOF\\nfirst line\\nsecond line\\nEOF\\n' >> "$CAIRN_OUTPUT"
                - id: b
                  run: "true"
                  depends_on: [a]
                - id: c
                  run: |
                    test "$CAIRN_OUT_a_version" = 1.2.3
                    test "$CAIRN_OUT_a_notes" = "$(printf 'first line\\nsecond line')"
                    grep -q '"notes":"first line\\\\nsecond line"' "$CAIRN_INPUTS"
                  depends_on: [b]
              """);
      RunFeatures.Result ran = cli(server, dataDir, "run", chain.toString());
      assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
      String runId = runId(ran);

      Path big =
          file(
              work,
              "big.yaml",
              """
              name: big
              steps:
                - id: loud
                  run: head -c 20000 /dev/zero | tr '\\0' a | sed 's/^/k=/' >> "$CAIRN_OUTPUT"
              """);
      RunFeatures.Result over = cli(server, dataDir, "run", big.toString());
      assertThat(over.exitCode()).isEqualTo(1);
      Run failed = runs.get(runId(over));
      assertThat(failed.getSteps(0).getAttempts(0).getFailureReason())
          .isEqualTo(FailureReason.FAILURE_REASON_OUTPUTS);
      assertThat(failed.getSteps(0).getAttempts(0).getMessage()).contains("the limit is 16384");

      server.kill9();
      server.relaunch();
      RunFeatures.Result status = cli(server, dataDir, "status", runId, "-o", "json");
      assertThat(status.exitCode()).isZero();
      assertThat(status.out()).contains("\"version\":\"1.2.3\"");
      assertThat(status.out()).contains("\"notes\":\"first line\\nsecond line\"");
      assertThat(runs.get(runId).getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    } finally {
      server.close();
    }
  }
}
