package dev.cairn.bench;

import dev.cairn.v1.Event;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Java client of the catch-up figure, in a JVM of its own with the JDK's default flags (as an
 * application would run it, not the harness's C1-only JVM): reads every stored event without
 * following, twice, checks that they are whole and in order, and prints "EVENTS EVENTS_PER_SECOND".
 *
 * <p>Usage: {@code CatchUpClient PORT TOKEN_FILE MAX_BATCH} (MAX_BATCH 0: one event per message).
 */
public final class CatchUpClient {
  private CatchUpClient() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("io.grpc").setLevel(Level.WARNING);
    int port = Integer.parseInt(args[0]);
    String token = Files.readString(Path.of(args[1])).trim();
    int maxBatch = Integer.parseInt(args[2]);
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    try {
      RunServiceGrpc.RunServiceBlockingStub stub =
          RunServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      // The first read warms the JIT up; the second is measured, so that the figure is the
      // stream's rather than the compiler's (a client that catches up on a million events is a
      // long-lived process).
      if (maxBatch > 0) {
        // One event per message is the old way, measured for comparison only: one read is enough.
        read(stub, maxBatch);
      }
      long start = System.nanoTime();
      long last = read(stub, maxBatch);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%d %.0f%n", last, last / seconds);
    } finally {
      channel.shutdownNow();
    }
  }

  private static long read(RunServiceGrpc.RunServiceBlockingStub stub, int maxBatch) {
    Iterator<WatchEventsResponse> stream =
        stub.watchEvents(
            WatchEventsRequest.newBuilder().setFollow(false).setMaxBatch(maxBatch).build());
    long last = 0;
    while (stream.hasNext()) {
      WatchEventsResponse response = stream.next();
      List<Event> events = maxBatch == 0 ? List.of(response.getEvent()) : response.getEventsList();
      for (Event event : events) {
        if (event.getGlobalSeq() != last + 1) {
          throw new IllegalStateException("event " + event.getGlobalSeq() + " after " + last);
        }
        last = event.getGlobalSeq();
      }
    }
    return last;
  }
}
