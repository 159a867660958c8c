package dev.cairn.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;

/** Opens the channel to the server; replaceable so that tests can point commands elsewhere. */
@FunctionalInterface
public interface ChannelFactory {
  /** Responses up to this size are accepted, so that the state of a run with a large spec fits. */
  int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

  /** A new channel to {@code address}, with TLS (system trust store) or in plaintext. */
  ManagedChannel open(ServerAddress address, boolean tls);

  /** Netty channels, plaintext unless TLS is asked for. */
  static ChannelFactory netty() {
    return (address, tls) -> {
      // One loop thread of the JDK's own selector (no native transport library to unpack and
      // load), owned by the channel so that it stops with it; see OwnLoopChannel.
      NioEventLoopGroup loop = new NioEventLoopGroup(1);
      NettyChannelBuilder builder =
          NettyChannelBuilder.forAddress(address.host(), address.port())
              .eventLoopGroup(loop)
              .channelType(NioSocketChannel.class)
              .maxInboundMessageSize(MAX_INBOUND_BYTES)
              .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
              .userAgent("cairn-cli");
      if (tls) {
        builder.useTransportSecurity();
      } else {
        builder.usePlaintext();
      }
      return new OwnLoopChannel(builder.build(), loop);
    };
  }
}
