package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.v1.Event;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.GetRunResponse;
import dev.cairn.v1.RunServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What clients make the server hold between the transport and the services is bounded (the servers
 * of these tests have a 256 MiB heap): bodies still arriving, and read answers their clients do not
 * take. Each once ran the heap out.
 */
class RequestBudgetIT extends SharedServer {

  /** 30 POSTs of 4 MB that stop 10 KB short: 120 MB, over the quarter of the heap (64 MiB). */
  @Test
  void bodiesThatStopShortOverTheBudgetAreCutAndTheServerGoesOn() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      byte[] chunk = new byte[1 << 16];
      java.util.Arrays.fill(chunk, (byte) ' ');
      for (int i = 0; i < 30; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        sockets.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + server.token()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        try {
          for (int sent = 0; sent + chunk.length <= 3_990_000; sent += chunk.length) {
            out.write(chunk);
          }
        } catch (SocketException cut) {
          // Already cut by the server: what this test waits for.
        }
      }
      Instant deadline = Instant.now().plusSeconds(30);
      int cut = 0;
      while (cut == 0) {
        assertThat(Instant.now()).as("no connection was cut").isBefore(deadline);
        cut = (int) sockets.stream().filter(RequestBudgetIT::closedByServer).count();
      }
      assertThat(cut).isBetween(1, 29);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
    String next = runs.submit(workflow("after-bodies", shell("a", "true")));
    assertThat(runs.follow(next)).last().matches(Event::hasRunSucceeded);
  }

  /**
   * GetRun calls of a run whose answer (its 300 KB spec) is larger than the client's window, never
   * read: past the cap (16 for this heap) they are refused at once, and once the calls end, reads
   * are served again.
   */
  @Test
  void unreadAnswersPastTheCapAreRefusedAndReadsResumeWhenTheyEnd() throws Exception {
    String comment = "true # " + "x".repeat(100_000);
    String run =
        runs.submit(
            workflow("big-spec", shell("a", comment), shell("b", comment), shell("c", comment)));
    runs.follow(run);
    Metadata token = new Metadata();
    token.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + server.token());
    ManagedChannel slow =
        NettyChannelBuilder.forTarget(server.target())
            .usePlaintext()
            .flowControlWindow(1 << 16)
            .build();
    List<CompletableFuture<Status>> outcomes = new ArrayList<>();
    try {
      Channel channel =
          ClientInterceptors.intercept(slow, MetadataUtils.newAttachHeadersInterceptor(token));
      for (int i = 0; i < 40; i++) {
        CompletableFuture<Status> outcome = new CompletableFuture<>();
        outcomes.add(outcome);
        ClientCall<GetRunRequest, GetRunResponse> call =
            channel.newCall(RunServiceGrpc.getGetRunMethod(), CallOptions.DEFAULT);
        // No request(n): the answer is never taken, so it waits in the server for the window.
        call.start(
            new ClientCall.Listener<>() {
              @Override
              public void onClose(Status status, Metadata trailers) {
                outcome.complete(status);
              }
            },
            new Metadata());
        call.sendMessage(GetRunRequest.newBuilder().setRunId(run).build());
        call.halfClose();
      }
      Instant deadline = Instant.now().plusSeconds(30);
      long refused = 0;
      while (refused < 40 - 16) {
        assertThat(Instant.now()).as("refused only " + refused).isBefore(deadline);
        refused =
            outcomes.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .filter(status -> status.getCode() == Status.Code.RESOURCE_EXHAUSTED)
                .count();
        ServerProcess.pause(20);
      }
      assertThat(refused).isEqualTo(40 - 16);
    } finally {
      slow.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    Instant deadline = Instant.now().plusSeconds(10);
    while (true) {
      try {
        assertThat(runs.get(run).getSpec().getStepsCount()).isEqualTo(3);
        break;
      } catch (io.grpc.StatusRuntimeException busy) {
        assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Instant.now()).as("reads still refused").isBefore(deadline);
        ServerProcess.pause(50);
      }
    }
  }

  private static boolean closedByServer(Socket socket) {
    try {
      socket.setSoTimeout(1);
      // An answer or the end of the stream: either way the server holds the body no longer.
      socket.getInputStream().read();
      return true;
    } catch (java.net.SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
