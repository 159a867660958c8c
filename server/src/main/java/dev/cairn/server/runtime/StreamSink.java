package dev.cairn.server.runtime;

/**
 * The client end of a server stream, as the feeds see it. No method blocks: a feed sends only while
 * {@link #ready()} holds, and is woken again when the client can take more.
 *
 * @param <T> what one message carries
 */
public interface StreamSink<T> {

  /** Whether the client can take a message now without the transport buffering it. */
  boolean ready();

  /** Sends one message; called only from the stream's pass, never concurrently. */
  void send(T value);

  /**
   * Sends what {@link #send} gathered and has not sent yet; the feed calls it before it waits. A
   * sink that batches messages sends them at the latest here, and before it completes or fails.
   */
  default void flush() {}

  /** Ends the stream with OK. */
  void complete();

  /** Ends the stream with the status {@code error} maps to. */
  void fail(Throwable error);

  /** Whether the client went away; the feed then releases what it holds and stops. */
  boolean cancelled();
}
