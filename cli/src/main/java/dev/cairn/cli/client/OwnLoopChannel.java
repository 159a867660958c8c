package dev.cairn.cli.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * A channel with an event loop of its own, stopped with it. gRPC's shared loop outlives the channel
 * by a second, its thread waiting in native code; the JVM then waits 300 ms at exit for that thread
 * to come back, which was a third of every CLI call.
 */
final class OwnLoopChannel extends ManagedChannel {
  private final ManagedChannel channel;
  private final EventLoopGroup loop;

  OwnLoopChannel(ManagedChannel channel, EventLoopGroup loop) {
    this.channel = channel;
    this.loop = loop;
  }

  @Override
  public ManagedChannel shutdown() {
    channel.shutdown();
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    channel.shutdownNow();
    return this;
  }

  @Override
  public boolean isShutdown() {
    return channel.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return channel.isTerminated() && loop.isTerminated();
  }

  /** Waits for the channel, then stops the loop, which nothing uses any more, and waits for it. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    boolean channelDone = channel.awaitTermination(timeout, unit);
    if (!channelDone) {
      return false;
    }
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    return loop.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return channel.newCall(method, options);
  }

  @Override
  public String authority() {
    return channel.authority();
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return channel.getState(requestConnection);
  }

  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    channel.notifyWhenStateChanged(source, callback);
  }

  @Override
  public void resetConnectBackoff() {
    channel.resetConnectBackoff();
  }

  @Override
  public void enterIdle() {
    channel.enterIdle();
  }
}
