package dev.cairn.cli;

import dev.cairn.cli.client.ChannelFactory;
import java.io.OutputStream;
import java.time.ZoneId;

/**
 * What the commands take from the world outside their arguments: the environment, how to reach the
 * server, where raw bytes go and the time zone for printed times. Tests build their own.
 *
 * @param environment environment variables and terminal detection
 * @param channels opens channels to the server
 * @param rawOut the byte stream behind standard output, for command output that is not text
 * @param zone the zone printed times are shown in
 */
public record CliContext(
    Environment environment, ChannelFactory channels, OutputStream rawOut, ZoneId zone) {
  /** The real process environment, Netty channels, {@code System.out} and the local zone. */
  public static CliContext system() {
    return new CliContext(
        Environment.system(), ChannelFactory.netty(), System.out, ZoneId.systemDefault());
  }
}
