package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;

import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.ListRunsResponse;
import dev.cairn.v1.RunServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A call its client cancels as it is answered ends alone. The server once wrote the answer to the
 * reset stream, and the connection ended with it (GOAWAY, PROTOCOL_ERROR): every other call on it
 * failed, here a followed WatchEvents.
 */
class CancelledCallsIT extends SharedServer {

  @Test
  void callsCancelledAsTheyAreAnsweredFailNoOtherCallOnTheirConnection() {
    AllEventsWatcher watcher = AllEventsWatcher.start(server, 0);
    Metadata token = new Metadata();
    token.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + server.token());
    // The token as a header, not as call credentials: the request, its end and the cancel then
    // leave together, so the cancel reaches the server while it answers.
    Channel channel =
        ClientInterceptors.intercept(
            server.channel(), MetadataUtils.newAttachHeadersInterceptor(token));
    // Fewer than the 200 resets in 30 s after which the server ends a connection (Netty's guard
    // against rapid reset).
    for (int i = 0; i < 180; i++) {
      ClientCall<ListRunsRequest, ListRunsResponse> call =
          channel.newCall(RunServiceGrpc.getListRunsMethod(), CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {}, new Metadata());
      call.request(1);
      call.sendMessage(ListRunsRequest.getDefaultInstance());
      call.halfClose();
      call.cancel("cancelled as it is answered", null);
    }
    String after = runs.submit(workflow("after-cancels", shell("a", "true")));
    watcher.awaitEnded(Set.of(after), Duration.ofSeconds(60));
    watcher.cancel();
  }
}
