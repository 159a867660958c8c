package dev.cairn.server.api;

import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.WatchEventsRequest;
import dev.cairn.v1.WatchEventsResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.function.BiConsumer;

/**
 * The RunService definition with WatchEvents answering in {@link EncodedResponse}s. The method
 * keeps its name, request and schema, so reflection and every client see the same service; only the
 * server's response marshaller differs, and the bytes it writes are WatchEventsResponse messages.
 */
final class EncodedWatch {
  private EncodedWatch() {}

  /** {@code generated} with its WatchEvents handled by {@code handler}. */
  static ServerServiceDefinition bind(
      ServerServiceDefinition generated,
      BiConsumer<WatchEventsRequest, StreamObserver<EncodedResponse>> handler) {
    ServiceDescriptor service = generated.getServiceDescriptor();
    String watchName = RunServiceGrpc.getWatchEventsMethod().getFullMethodName();
    MethodDescriptor<WatchEventsRequest, EncodedResponse> watch = null;
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(service.getName())
            .setSchemaDescriptor(service.getSchemaDescriptor());
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      if (method.getFullMethodName().equals(watchName)) {
        @SuppressWarnings("unchecked")
        MethodDescriptor<WatchEventsRequest, WatchEventsResponse> original =
            (MethodDescriptor<WatchEventsRequest, WatchEventsResponse>) method;
        watch =
            original.toBuilder(original.getRequestMarshaller(), EncodedResponse.MARSHALLER).build();
        descriptor.addMethod(watch);
      } else {
        descriptor.addMethod(method);
      }
    }
    if (watch == null) {
      throw new IllegalStateException("the service has no method " + watchName);
    }
    ServerServiceDefinition.Builder definition =
        ServerServiceDefinition.builder(descriptor.build());
    for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
      if (method.getMethodDescriptor().getFullMethodName().equals(watchName)) {
        definition.addMethod(watch, ServerCalls.asyncServerStreamingCall(handler::accept));
      } else {
        definition.addMethod(method);
      }
    }
    return definition.build();
  }
}
