package dev.cairn.server.api;

import dev.cairn.server.runtime.NodeUnavailableException;
import dev.cairn.server.runtime.OutputReader;
import dev.cairn.server.runtime.StreamSink;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.StreamLogsRequest;
import dev.cairn.v1.StreamLogsResponse;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls from this node to another of the cluster over gRPC, with the cluster's token (the nodes of
 * one cluster share it, so it is the caller's own).
 *
 * <p>StreamLogs served from another node: the node that ran the attempt holds its output file, so a
 * node asked for it relays the same call to that node and passes the chunks on as they come. The
 * relay holds at most a few chunks: it asks the other node for the next one only once the client
 * took the last.
 *
 * <p>SubmitRun placed on another node: sent with {@link PlacedSubmits#HEADER}, so that the node it
 * lands on keeps it rather than placing it again.
 */
final class NodeClient implements AutoCloseable {
  /** Chunks held for a slow client before the relay stops asking for more. */
  private static final int HELD = 4;

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final GrpcClient client;
  private final String token;
  private final Executor executor;

  /**
   * @param trust the certificate other nodes present, when the cluster speaks TLS (the nodes share
   *     one certificate, or one CA)
   */
  NodeClient(Vertx vertx, String token, Optional<Path> trust, Executor executor) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false);
    trust.ifPresent(
        certificate ->
            options
                .setSsl(true)
                .setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(certificate.toString())));
    this.client = GrpcClient.client(vertx, options);
    this.token = token;
    this.executor = executor;
  }

  /** Prepares the relay of the request to the node at {@code address} (host:port). */
  Runnable stream(
      String nodeId,
      String address,
      StreamLogsRequest request,
      StreamSink<OutputReader.Chunk> sink) {
    return new Relay(nodeId, address, channel(address, false), request, sink)::wake;
  }

  /** Submits on the node at {@code address}, which keeps the run. */
  CompletableFuture<SubmitRunResponse> submit(
      String nodeId, String address, SubmitRunRequest request) {
    CompletableFuture<SubmitRunResponse> answer = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(
        channel(address, true)
            .newCall(
                RunServiceGrpc.getSubmitRunMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
        request,
        new StreamObserver<SubmitRunResponse>() {
          @Override
          public void onNext(SubmitRunResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable error) {
            Status status = Status.fromThrowable(error);
            answer.completeExceptionally(
                status.getCode() == Status.Code.UNAVAILABLE
                        || status.getCode() == Status.Code.DEADLINE_EXCEEDED
                    ? new NodeUnavailableException(
                        "node "
                            + nodeId
                            + ", on which this submit was placed, did not answer: "
                            + why(status)
                            + "; the submit may have been recorded there: retry with the same"
                            + " request_id")
                    : error);
          }

          @Override
          public void onCompleted() {}
        });
    return answer;
  }

  private Channel channel(String address, boolean placed) {
    int colon = address.lastIndexOf(':');
    SocketAddress server =
        SocketAddress.inetSocketAddress(
            Integer.parseInt(address.substring(colon + 1)), address.substring(0, colon));
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    if (placed) {
      headers.put(PlacedSubmits.HEADER, "1");
    }
    return ClientInterceptors.intercept(
        new GrpcClientChannel(client, server), MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private final class Relay
      implements ClientResponseObserver<StreamLogsRequest, StreamLogsResponse> {
    private final String nodeId;
    private final String address;
    private final Channel channel;
    private final StreamLogsRequest request;
    private final StreamSink<OutputReader.Chunk> sink;
    private final AtomicInteger wakes = new AtomicInteger();
    private final ArrayDeque<StreamLogsResponse> held = new ArrayDeque<>();
    private ClientCallStreamObserver<StreamLogsRequest> call;
    private boolean started;
    private boolean ended;
    private Throwable failure;
    private int asked;

    Relay(
        String nodeId,
        String address,
        Channel channel,
        StreamLogsRequest request,
        StreamSink<OutputReader.Chunk> sink) {
      this.nodeId = nodeId;
      this.address = address;
      this.channel = channel;
      this.request = request;
      this.sink = sink;
    }

    void wake() {
      if (wakes.getAndIncrement() == 0) {
        executor.execute(this::drain);
      }
    }

    private void drain() {
      int seen = 1;
      do {
        pass();
        seen = wakes.addAndGet(-seen);
      } while (seen != 0);
    }

    private void pass() {
      if (!started) {
        started = true;
        ClientCall<StreamLogsRequest, StreamLogsResponse> remote =
            channel.newCall(RunServiceGrpc.getStreamLogsMethod(), CallOptions.DEFAULT);
        ClientCalls.asyncServerStreamingCall(remote, request, this);
      }
      synchronized (this) {
        if (call == null) {
          return;
        }
        if (sink.cancelled()) {
          call.cancel("the client went away", null);
          return;
        }
        while (!held.isEmpty() && sink.ready()) {
          StreamLogsResponse chunk = held.poll();
          sink.send(
              new OutputReader.Chunk(
                  chunk.getData().toByteArray(), chunk.getOffset(), chunk.getAttempt()));
        }
        if (held.isEmpty() && ended) {
          sink.flush();
          if (failure == null) {
            sink.complete();
          } else {
            sink.fail(failure);
          }
          call = null;
          return;
        }
        sink.flush();
        if (asked == 0 && held.size() < HELD) {
          asked = 1;
          call.request(1);
        }
      }
    }

    @Override
    public synchronized void beforeStart(
        ClientCallStreamObserver<StreamLogsRequest> requestStream) {
      call = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
      asked = 1;
    }

    @Override
    public void onNext(StreamLogsResponse value) {
      synchronized (this) {
        held.add(value);
        asked = 0;
      }
      wake();
    }

    @Override
    public void onError(Throwable error) {
      synchronized (this) {
        ended = true;
        Status status = Status.fromThrowable(error);
        failure =
            status.getCode() == Status.Code.UNAVAILABLE
                ? new NodeUnavailableException(
                    "node "
                        + nodeId
                        + " ("
                        + address
                        + ") holds this output and did not answer ("
                        + why(status)
                        + "); the output is readable again once that node is back")
                : error;
      }
      wake();
    }

    @Override
    public void onCompleted() {
      synchronized (this) {
        ended = true;
      }
      wake();
    }
  }

  /** What a failed call says, in one line: its description, else its cause's. */
  private static String why(Status status) {
    String description = status.getDescription();
    if (description == null && status.getCause() != null) {
      description = status.getCause().getMessage();
    }
    return description == null
        ? status.getCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        : description.lines().findFirst().orElse("").strip();
  }

  @Override
  public void close() {
    client.close();
  }
}
