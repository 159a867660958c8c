package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cairn.v1.Event;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the distribution's package, which bin/test installs) scrapes a running Cairn
 * at {@code /q/metrics}; the run and attempt counters and the commit-latency histogram are then
 * found through Prometheus's own query API.
 */
class PrometheusIT {
  private static final Path PROMETHEUS =
      Path.of(System.getProperty("cairn.prometheus", "/usr/bin/prometheus"));

  @TempDir Path dir;

  @Test
  void prometheusScrapesTheRunAndAttemptCountersAndTheCommitLatencyHistogram() throws Exception {
    assumeThat(Files.isExecutable(PROMETHEUS))
        .as("prometheus at %s (bin/test installs the distribution's package)", PROMETHEUS)
        .isTrue();
    try (ServerProcess cairn = ServerProcess.start(dir.resolve("data"));
        Prometheus prometheus = Prometheus.start(dir.resolve("prometheus"), cairn.target())) {
      Runs runs = new Runs(cairn);
      String ok = runs.submit(workflow("scraped", shell("a", "true"), shell("b", "true", "a")));
      String bad = runs.submit(workflow("scraped-bad", shell("a", "exit 4")));
      assertThat(runs.follow(ok)).last().matches(Event::hasRunSucceeded);
      assertThat(runs.follow(bad)).last().matches(Event::hasRunFailed);

      assertThat(prometheus.awaitValue("cairn_runs_finished_total{status=\"succeeded\"}", 1))
          .isEqualTo(1);
      assertThat(prometheus.awaitValue("cairn_runs_finished_total{status=\"failed\"}", 1))
          .isEqualTo(1);
      assertThat(prometheus.awaitValue("cairn_runs_submitted_total", 2)).isEqualTo(2);
      assertThat(prometheus.awaitValue("cairn_attempts_started_total", 3)).isEqualTo(3);
      assertThat(prometheus.awaitValue("cairn_attempts_failed_total{reason=\"exit_code\"}", 1))
          .isEqualTo(1);
      assertThat(prometheus.awaitValue("sum(cairn_store_commit_seconds_count)", 1))
          .isGreaterThanOrEqualTo(1);
      // The histogram's buckets are there: a quantile can be computed from them.
      double p99 =
          prometheus.awaitValue(
              "histogram_quantile(0.99, sum by (le) (cairn_store_commit_seconds_bucket))", 0);
      assertThat(p99).isPositive().isLessThan(5);
      assertThat(
              prometheus.awaitValue(
                  "sum(grpc_server_processing_duration_seconds_count{method=\"SubmitRun\","
                      + "statusCode=\"OK\"})",
                  2))
          .isEqualTo(2);
    }
  }

  /** A Prometheus server of its own, scraping one target every 500 ms. */
  private static final class Prometheus implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = HttpClient.newHttpClient();

    private Prometheus(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
    }

    static Prometheus start(Path dir, String target) throws IOException {
      Files.createDirectories(dir);
      Path config =
          Files.writeString(
              dir.resolve("prometheus.yml"),
              """
              global:
                scrape_interval: 500ms
                scrape_timeout: 400ms
              scrape_configs:
                - job_name: cairn
                  metrics_path: /q/metrics
                  static_configs:
                    - targets: ['%s']
              """
                  .formatted(target));
      int port = ServerProcess.freePort();
      Path log = dir.resolve("prometheus.log");
      Process process =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new Prometheus(process, port, log);
    }

    /**
     * The query's value once it is at least {@code atLeast}, polling Prometheus's query API (the
     * scrape is every 500 ms) for at most 60 s.
     */
    double awaitValue(String query, double atLeast) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String last = "";
      while (System.nanoTime() - deadline < 0) {
        assertThat(process.isAlive()).as("prometheus is running; log:%n%s", logText()).isTrue();
        try {
          last = query(query);
          JsonArray result =
              JsonParser.parseString(last)
                  .getAsJsonObject()
                  .getAsJsonObject("data")
                  .getAsJsonArray("result");
          if (!result.isEmpty()) {
            JsonObject sample = result.get(0).getAsJsonObject();
            double value = Double.parseDouble(sample.getAsJsonArray("value").get(1).getAsString());
            if (!Double.isNaN(value) && value >= atLeast) {
              return value;
            }
          }
        } catch (IOException notUpYet) {
          last = notUpYet.toString();
        }
        ServerProcess.pause(100);
      }
      throw new AssertionError(
          "prometheus never answered " + query + " with at least " + atLeast + ": " + last);
    }

    private String query(String query) throws IOException, InterruptedException {
      URI uri =
          URI.create(
              "http://127.0.0.1:"
                  + port
                  + "/api/v1/query?query="
                  + URLEncoder.encode(query, StandardCharsets.UTF_8));
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    private String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return e.toString();
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
