package dev.cairn.cli.client;

import dev.cairn.cli.CliException;
import dev.cairn.cli.ExitCodes;

/**
 * Where the server listens: a host name, an IPv4 address or a bracketed IPv6 address, and a port.
 */
public record ServerAddress(String host, int port) {
  /** The address used when neither {@code --server} nor CAIRN_SERVER is given. */
  public static final String DEFAULT = "127.0.0.1:7420";

  /** Parses {@code HOST:PORT} (IPv6 as {@code [::1]:7420}); a bad value is a usage error. */
  public static ServerAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw bad(text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw bad(text);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw bad(text);
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw bad(text);
    }
    return new ServerAddress(host, port);
  }

  private static CliException bad(String text) {
    return new CliException(
        ExitCodes.BAD_INPUT, "bad server address '" + text + "': expected HOST:PORT");
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
