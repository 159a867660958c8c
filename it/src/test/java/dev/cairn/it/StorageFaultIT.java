package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.v1.Event;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.RunStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk and a torn write-ahead log: the store fails closed and recovers to a prefix. */
class StorageFaultIT {
  @TempDir Path work;

  private static int run(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  @Test
  void fullDiskRefusesSubmitsKeepsReadsAndRecoversWhenSpaceReturns() throws Exception {
    Path mount = work.resolve("small");
    Files.createDirectories(mount);
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount.toString()) == 0,
        "mounting a tmpfs needs root");
    try (ServerProcess server = ServerProcess.start(mount.resolve("data"))) {
      Runs runs = new Runs(server);
      List<String> acknowledged = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String id = runs.submit(workflow("before-" + i, shell("a", "true")));
        runs.follow(id);
        acknowledged.add(id);
      }
      // A step that is running when the disk fills, and ends while it is full: its end cannot be
      // recorded then, and must be decided again once space returns. It writes no output, since
      // its output file is on the full disk too.
      Path go = work.resolve("go");
      String across =
          runs.submit(
              workflow("across", shell("a", "while [ ! -e " + go + " ]; do sleep 0.05; done")));
      runs.awaitStatus(
          across,
          run -> run.getStepsList().stream().anyMatch(step -> step.getAttemptsCount() > 0),
          Duration.ofSeconds(20));
      // Fill the file system, leaving no room for the log to grow.
      Path filler = mount.resolve("filler");
      run("sh", "-c", "dd if=/dev/zero of=" + filler + " bs=64k 2>/dev/null; sync");

      StatusRuntimeException refused = null;
      for (int i = 0; i < 200 && refused == null; i++) {
        // Each submit grows the log a little; the first that finds no room is refused.
        try {
          String id = runs.submit(workflow("during-" + i, shell("a", "echo " + "x".repeat(4000))));
          acknowledged.add(id);
        } catch (StatusRuntimeException e) {
          refused = e;
        }
      }
      assertThat(refused).as("a submit was refused on the full disk").isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getStatus().getDescription()).contains("full");
      // Health says why the server takes no work, for a load balancer and an operator alike.
      ServerProcess.HttpAnswer notReady = server.http("/q/health/ready");
      assertThat(notReady.status()).isEqualTo(503);
      assertThat(notReady.body()).contains("full");

      Files.createFile(go);

      // Reads still work, and nothing acknowledged is missing.
      for (String id : acknowledged) {
        assertThat(runs.get(id).getRunId()).isEqualTo(id);
      }
      assertThat(server.stub().listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount())
          .isPositive();

      Files.delete(filler);
      String after =
          awaitAccepted(
              server, runs, workflow("after", shell("a", "true")), Duration.ofSeconds(20));
      runs.follow(after);
      assertThat(server.http("/q/health/ready").status()).isEqualTo(200);
      for (String id : acknowledged) {
        runs.awaitStatus(id, Runs::terminal, Duration.ofSeconds(60));
      }
      assertThat(runs.awaitStatus(across, Runs::terminal, Duration.ofSeconds(30)).getStatus())
          .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
      History.assertGapFree(runs.all());
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  private static String awaitAccepted(
      ServerProcess server, Runs runs, dev.cairn.v1.WorkflowSpec spec, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return runs.submit(spec);
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no submit was accepted; server log:\n" + server.logText(), e);
        }
        ServerProcess.pause(100);
      }
    }
  }

  @Test
  void tornWriteAheadLogRecoversToAGapFreePrefix() throws Exception {
    Path original = work.resolve("original");
    ServerProcess server = ServerProcess.start(original, "-Dcairn.stop-grace=1s");
    List<Event> before;
    try {
      Runs runs = new Runs(server);
      for (int i = 0; i < 8; i++) {
        runs.follow(
            runs.submit(workflow("torn-" + i, shell("a", "true"), shell("b", "true", "a"))));
      }
      before = runs.all();
    } finally {
      // SIGKILL leaves the write-ahead log un-checkpointed, as a crash would.
      server.kill9();
    }
    Path wal = original.resolve("cairn.db-wal");
    long walSize = Files.size(wal);
    assertThat(walSize).isPositive();

    for (double fraction : new double[] {0.9, 0.6, 0.3, 0.05}) {
      Path copy = work.resolve("torn-" + (int) (fraction * 100));
      copyDirectory(original, copy);
      Files.deleteIfExists(copy.resolve("server.lock"));
      Files.deleteIfExists(copy.resolve("server-test.log"));
      try (RandomAccessFile file =
          new RandomAccessFile(copy.resolve("cairn.db-wal").toFile(), "rw")) {
        file.setLength((long) (walSize * fraction));
      }
      try (ServerProcess torn = ServerProcess.start(copy)) {
        java.util.regex.Matcher report =
            java.util.regex.Pattern.compile("kept events 1\\.\\.(\\d+)").matcher(torn.logText());
        assertThat(report.find()).as("the log says what was kept").isTrue();
        int kept = Integer.parseInt(report.group(1));
        assertThat(kept).isLessThanOrEqualTo(before.size());
        // What survived is exactly a prefix of what was written; anything after it is what
        // recovery decided for the runs the tear left unfinished.
        List<Event> all = new Runs(torn).all();
        assertThat(all.subList(0, kept)).isEqualTo(before.subList(0, kept));
        if (!all.isEmpty()) {
          History.assertGapFree(all);
          History.assertNoOverlappingAttempts(all);
        }
        System.out.printf(
            "torn WAL at %d%% of %d bytes: kept %d of %d events, recovery added %d%n",
            (int) (fraction * 100), walSize, kept, before.size(), all.size() - kept);
      }
    }
  }

  private static void copyDirectory(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  @Test
  void runawayOutputFailsAtTheCapWithBoundedServerMemory() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            work.resolve("output"), "-Dcairn.output-limit-bytes=67108864", "-Xmx64m")) {
      Runs runs = new Runs(server);
      String runId = runs.submit(workflow("flood", shell("flood", "head -c 1073741824 /dev/zero")));
      runs.follow(runId);
      var attempt = runs.get(runId).getSteps(0).getAttempts(0);
      assertThat(attempt.getFailureReason())
          .isEqualTo(dev.cairn.v1.FailureReason.FAILURE_REASON_OUTPUT_LIMIT);
      assertThat(attempt.getOutputBytes()).isEqualTo(64L << 20);
      // The output went to a file, never through the server: a 64 MB heap cap held, and the
      // resident set stayed far below the gigabyte the step tried to write.
      assertThat(server.alive()).isTrue();
      String status = Files.readString(Path.of("/proc/" + server.pid() + "/status"));
      long peakKb =
          status
              .lines()
              .filter(line -> line.startsWith("VmHWM:"))
              .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
              .findFirst()
              .orElseThrow();
      assertThat(peakKb).isLessThan(400 * 1024);
    }
  }
}
