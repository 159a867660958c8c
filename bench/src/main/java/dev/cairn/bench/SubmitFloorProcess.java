package dev.cairn.bench;

import dev.cairn.v1.RunServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link SubmitFloorServer} in its own JVM, started with the JVM flags {@code bin/cairn server}
 * gives the server, and a channel to it set up as the one to Cairn (a token rides along, unread).
 */
final class SubmitFloorProcess implements AutoCloseable {
  // Keep in step with bin/cairn's server flags, so that the floor runs on the same JIT and heap.
  private static final List<String> SERVER_JVM_FLAGS =
      List.of("-XX:+UseSerialGC", "-Xms40m", "-Xmn32m", "-Xmx512m", "-XX:TieredStopAtLevel=1");

  private final Process process;
  private final ManagedChannel channel;
  private final RunServiceGrpc.RunServiceBlockingStub runs;

  private SubmitFloorProcess(Process process, int port) {
    this.process = process;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    this.runs =
        RunServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(new CairnServerProcess.Bearer("floor"));
  }

  static SubmitFloorProcess start(Path root, Path workDir) throws IOException {
    Files.createDirectories(workDir);
    int port = CairnServerProcess.freePort();
    List<String> command = new ArrayList<>(List.of(BenchPaths.java()));
    command.addAll(SERVER_JVM_FLAGS);
    command.addAll(
        List.of(
            "-cp",
            BenchPaths.floorClassPath(root),
            SubmitFloorServer.class.getName(),
            workDir.resolve("floor.db").toString(),
            Integer.toString(port)));
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("floor.log").toFile()))
            .start();
    if (!"ready".equals(firstLine(process))) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the submit floor server did not start within "
              + CairnServerProcess.START_TIMEOUT
              + " (see "
              + workDir.resolve("floor.log")
              + ")");
    }
    return new SubmitFloorProcess(process, port);
  }

  /**
   * The first line the process prints, or null if it prints none within the start timeout: a JVM
   * that hangs before printing must not hang the benchmark with it.
   */
  private static String firstLine(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                line.complete(out.readLine());
              } catch (IOException e) {
                line.completeExceptionally(e);
              }
            },
            "floor-ready");
    reader.setDaemon(true);
    reader.start();
    try {
      return line.get(CairnServerProcess.START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IOException("could not read the submit floor server's output", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the submit floor server started", e);
    }
  }

  RunServiceGrpc.RunServiceBlockingStub runs() {
    return runs;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
