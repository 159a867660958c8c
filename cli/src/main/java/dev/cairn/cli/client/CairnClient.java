package dev.cairn.cli.client;

import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.ScheduleServiceGrpc;
import io.grpc.ManagedChannel;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An open connection to the server: the channel and the stubs that carry the token. Close it to
 * release the channel.
 */
public final class CairnClient implements AutoCloseable {
  /** Unary calls that take longer than this are treated as an unreachable server. */
  private static final long UNARY_DEADLINE_SECONDS = 30;

  private final ManagedChannel channel;
  private final ServerAddress address;
  private final Optional<Token> token;
  private final RunServiceGrpc.RunServiceBlockingStub stub;

  /** Wraps {@code channel}, sending {@code token} (when present) with every call. */
  public CairnClient(ManagedChannel channel, ServerAddress address, Optional<Token> token) {
    this.channel = channel;
    this.address = address;
    this.token = token;
    RunServiceGrpc.RunServiceBlockingStub base = RunServiceGrpc.newBlockingStub(channel);
    this.stub =
        token
            .map(value -> base.withCallCredentials(new BearerCredentials(value.value())))
            .orElse(base);
  }

  /** A stub for one unary call, with a deadline. */
  public RunServiceGrpc.RunServiceBlockingStub unary() {
    return stub.withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** A stub of the schedule service for one unary call, with a deadline. */
  public ScheduleServiceGrpc.ScheduleServiceBlockingStub schedules() {
    ScheduleServiceGrpc.ScheduleServiceBlockingStub base =
        ScheduleServiceGrpc.newBlockingStub(channel);
    return token
        .map(value -> base.withCallCredentials(new BearerCredentials(value.value())))
        .orElse(base)
        .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** A stub for server streams, which may last as long as a run and so have no deadline. */
  public RunServiceGrpc.RunServiceBlockingStub streaming() {
    return stub;
  }

  /**
   * Makes the channel try to connect at once on the next call instead of waiting out its own
   * reconnect backoff, which grows to minutes: a follower that retries on its own schedule must not
   * find the channel still asleep when the server is back.
   */
  public void resetConnectBackoff() {
    channel.resetConnectBackoff();
  }

  /** The address the channel goes to. */
  public ServerAddress address() {
    return address;
  }

  /** The token sent, if any. */
  public Optional<Token> token() {
    return token;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
