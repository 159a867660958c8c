package dev.cairn.it;

import static dev.cairn.it.RunFeatures.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.ListRunsResponse;
import dev.cairn.v1.RunSummary;
import dev.cairn.v1.SubmitRunRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs found by label, from the file and from the submit, across pages. */
class LabelsIT {
  @TempDir Path dataDir;

  @Test
  void listingByLabelReturnsExactlyTheLabelledRunsAcrossPages() {
    ServerProcess server = ServerProcess.start(dataDir, "-Dcairn.stop-grace=2s");
    try {
      String yaml =
          """
          name: labelled
          labels: { team: web }
          steps:
            - id: a
              run: "true"
          """;
      List<String> data = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        SubmitRunRequest.Builder request = SubmitRunRequest.newBuilder().setWorkflowYaml(yaml);
        // Every other run is relabelled at submit; the submit's label wins over the file's.
        if (i % 2 == 0) {
          request.putLabels("team", "data");
        }
        String runId = server.stub().submitRun(request.build()).getRunId();
        if (i % 2 == 0) {
          data.add(0, runId);
        }
      }
      List<String> listed = new ArrayList<>();
      String token = "";
      int pages = 0;
      do {
        ListRunsResponse page =
            server
                .stub()
                .listRuns(
                    ListRunsRequest.newBuilder()
                        .setPageSize(2)
                        .setPageToken(token)
                        .putLabels("team", "data")
                        .build());
        page.getRunsList()
            .forEach(run -> assertThat(run.getLabelsMap()).containsEntry("team", "data"));
        page.getRunsList().stream().map(RunSummary::getRunId).forEach(listed::add);
        token = page.getNextPageToken();
        pages++;
      } while (!token.isEmpty());
      assertThat(listed).containsExactlyElementsOf(data);
      assertThat(pages).isEqualTo(2);

      RunFeatures.Result cli =
          cli(server, dataDir, "list", "--label", "team=data", "--limit", "100");
      assertThat(cli.exitCode()).isZero();
      assertThat(cli.out().lines().skip(1).count()).isEqualTo(data.size());
      assertThat(cli.out()).contains("team=data").doesNotContain("team=web");

      // A label no run can carry is refused, as at submit, rather than matching nothing.
      RunFeatures.Result badKey = cli(server, dataDir, "list", "--label", "bad key=x");
      assertThat(badKey.exitCode()).isEqualTo(2);
      assertThat(badKey.err()).contains("'bad key' is not a label key");
    } finally {
      server.close();
    }
  }
}
